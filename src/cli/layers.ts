/**
 * The layers a command calls, each loaded on first use (`require`, typed by the module's own face), so that
 * `chartlake --help` and the input checks never load DuckDB, the AWS SDK, vega or the demo server.
 */
export const catalogLayer = () => require('../catalog') as typeof import('../catalog');
export const demoLayer = () => require('../demo/run-demo') as typeof import('../demo/run-demo');
export const demoServerLayer = () => require('../demo/spotify-server') as typeof import('../demo/spotify-server');
export const demoCatalogLayer = () => require('../demo/catalog') as typeof import('../demo/catalog');
export const forecastLayer = () => require('../forecast') as typeof import('../forecast');
export const pipelineLayer = () => require('../pipeline') as typeof import('../pipeline');
export const qualityLayer = () => require('../quality') as typeof import('../quality');
export const queryLayer = () => require('../query') as typeof import('../query');
export const reportLayer = () => require('../report') as typeof import('../report');
export const scheduleLayer = () => require('../schedule') as typeof import('../schedule');
export const transformLayer = () => require('../transform') as typeof import('../transform');
export const sourcesLayer = () => require('../sources') as typeof import('../sources');
export const extractLayer = () => require('../extract') as typeof import('../extract');
export const musicBrainzServerLayer = () => require('../demo/musicbrainz-server') as typeof import('../demo/musicbrainz-server');
export const lakeSongsLayer = () => require('../demo/lake-songs') as typeof import('../demo/lake-songs');
