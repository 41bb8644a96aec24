/**
 * Spotify Charts CSVs list a track's artists as one string joined with ", " and without ids, so a name that
 * itself holds ", " cannot be told from two artists by the string alone. These real artists' names do; a list
 * is the only reliable way (a rule such as "a part starting with The continues the name" would also glue
 * "Drake, The Weeknd" together). Names are matched whole at a list position, longest first. Add a name here
 * when a chart shows one split wrongly.
 */
export const ARTIST_NAMES_WITH_COMMAS: readonly string[] = [
  'Tyler, The Creator',
  'Earth, Wind & Fire',
  'Crosby, Stills, Nash & Young',
  'Crosby, Stills & Nash',
  'Emerson, Lake & Palmer',
  'Blood, Sweat & Tears',
  'Peter, Paul and Mary',
  'Now, Now',
];

/** `"Tyler, The Creator, Kali Uchis"` → `["Tyler, The Creator", "Kali Uchis"]`. */
export function splitArtistNames(names: string, known: readonly string[] = ARTIST_NAMES_WITH_COMMAS): string[] {
  const withCommas = [...known].filter((name) => name.includes(', ')).sort((a, b) => b.length - a.length);
  const out: string[] = [];
  let rest = names.trim();
  while (rest !== '') {
    const whole = withCommas.find((name) => rest === name || rest.startsWith(`${name}, `));
    const next = whole ?? (rest.includes(', ') ? rest.slice(0, rest.indexOf(', ')) : rest);
    out.push(next);
    rest = rest.slice(next.length).replace(/^, /, '');
  }
  return out;
}
