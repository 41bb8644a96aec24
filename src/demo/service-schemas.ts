/**
 * JSON Schemas (draft-07) for the answers the OpenAPI document of the Web API does not cover: the Charts
 * service (undocumented; derived from real answers of charts-spotify-com-service.spotify.com, public and
 * authorized) and the Accounts token endpoint. Tests validate the demo server's answers against them.
 */

type Schema = Record<string, unknown>;

const artist: Schema = {
  type: 'object',
  required: ['name', 'spotifyUri'],
  properties: {
    name: { type: 'string' },
    spotifyUri: { type: 'string', pattern: '^spotify:artist:[0-9A-Za-z]{22}$' },
    externalUrl: { type: 'string' },
  },
};

const named: Schema = { type: 'object', required: ['name'], properties: { name: { type: 'string' }, spotifyUri: { type: 'string' } } };

const isoDate: Schema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };

export const CHART_ENTRY_SCHEMA: Schema = {
  type: 'object',
  required: ['chartEntryData', 'trackMetadata'],
  properties: {
    chartEntryData: {
      type: 'object',
      required: [
        'currentRank',
        'previousRank',
        'peakRank',
        'appearancesOnChart',
        'consecutiveAppearancesOnChart',
        'entryStatus',
        'rankingMetric',
      ],
      properties: {
        currentRank: { type: 'integer', minimum: 1 },
        previousRank: { type: 'integer', minimum: -1 },
        peakRank: { type: 'integer', minimum: 1 },
        peakDate: isoDate,
        appearancesOnChart: { type: 'integer', minimum: 1 },
        consecutiveAppearancesOnChart: { type: 'integer', minimum: 1 },
        entryStatus: { enum: ['NEW_ENTRY', 'RE_ENTRY', 'MOVED_UP', 'MOVED_DOWN', 'NO_CHANGE'] },
        entryRank: { type: 'integer', minimum: 1 },
        entryDate: isoDate,
        rankingMetric: {
          type: 'object',
          required: ['value', 'type'],
          properties: { value: { type: 'string', pattern: '^\\d+$' }, type: { enum: ['STREAMS'] } },
        },
      },
    },
    missingRequiredFields: { type: 'boolean' },
    trackMetadata: {
      type: 'object',
      required: ['trackName', 'trackUri', 'artists', 'labels', 'releaseDate'],
      properties: {
        trackName: { type: 'string' },
        trackUri: { type: 'string', pattern: '^spotify:track:[0-9A-Za-z]{22}$' },
        displayImageUri: { type: 'string' },
        artists: { type: 'array', minItems: 1, items: artist },
        producers: { type: 'array', items: named },
        labels: { type: 'array', items: named },
        songWriters: { type: 'array', items: named },
        releaseDate: isoDate,
      },
    },
  },
};

/** `{displayChart, entries, highlights}`: the authorized per-week answer, and each item of the public one. */
export const CHART_VIEW_SCHEMA: Schema = {
  type: 'object',
  required: ['displayChart', 'entries'],
  properties: {
    displayChart: {
      type: 'object',
      required: ['date', 'chartMetadata'],
      properties: {
        date: isoDate,
        description: { type: 'string' },
        chartMetadata: {
          type: 'object',
          required: ['alias', 'uri', 'dimensions', 'entityType'],
          properties: {
            alias: { type: 'string' },
            uri: { type: 'string' },
            readableTitle: { type: 'string' },
            entityType: { enum: ['TRACK', 'ALBUM', 'ARTIST'] },
            dimensions: {
              type: 'object',
              required: ['country', 'chartType', 'recurrence'],
              properties: {
                country: { type: 'string' },
                chartType: { type: 'string' },
                recurrence: { enum: ['WEEKLY', 'DAILY'] },
                latestDate: isoDate,
                earliestDate: isoDate,
              },
            },
          },
        },
      },
    },
    entries: { type: 'array', items: CHART_ENTRY_SCHEMA },
    highlights: { type: 'array' },
  },
};

/** `GET /public/v0/charts`. */
export const CHARTS_PUBLIC_SCHEMA: Schema = {
  type: 'object',
  required: ['chartEntryViewResponses'],
  properties: { chartEntryViewResponses: { type: 'array', items: CHART_VIEW_SCHEMA } },
};

/** `POST /api/token` (Client Credentials). */
export const TOKEN_RESPONSE_SCHEMA: Schema = {
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in'],
  additionalProperties: false,
  properties: {
    access_token: { type: 'string', minLength: 20 },
    token_type: { const: 'Bearer' },
    expires_in: { type: 'integer', minimum: 1 },
  },
};

/** An Accounts service error (`{error, error_description}`). */
export const ACCOUNTS_ERROR_SCHEMA: Schema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
};
