/**
 * Word lists for the demo catalog's invented artists, songs, albums and labels. Every name is made up;
 * the lists only aim for names that read like a real chart.
 */
import type { Prng } from './prng';

const FIRST = [
  'Ava', 'Leo', 'Mia', 'Noah', 'Zara', 'Kai', 'Luna', 'Eli', 'Nova', 'Jules', 'Remy', 'Ines', 'Theo', 'Maya', 'Omar',
  'Lena', 'Ezra', 'Sofia', 'Milo', 'Aria', 'Dario', 'Yuna', 'Felix', 'Amara', 'Nico', 'Tessa', 'Rafa', 'Iris', 'Jonah',
  'Selin', 'Marco', 'Hana', 'Cleo', 'Tomas', 'Noor', 'Bastian', 'Elodie', 'Kofi', 'Priya', 'Mateo', 'Freya', 'Dante',
  'Ivy', 'Santi', 'Lior', 'Malia', 'Oscar', 'Rina', 'Caleb', 'Juno', 'Ada', 'Bruno', 'Cora', 'Dev', 'Esme', 'Gus',
];
const LAST = [
  'Rivers', 'Vale', 'Moreno', 'Sato', 'Okafor', 'Lindqvist', 'Carter', 'Diaz', 'Kim', 'Rossi', 'Novak', 'Haddad',
  'Blake', 'Mendes', 'Park', 'Quinn', 'Fontaine', 'Adeyemi', 'Castillo', 'Larsen', 'Nakamura', 'Reyes', 'Sterling',
  'Ward', 'Costa', 'Byrne', 'Ferreira', 'Holm', 'Ibarra', 'Jensen', 'Keane', 'Lowe', 'Marsh', 'Nyberg', 'Osei', 'Pratt',
  'Romero', 'Silva', 'Tran', 'Ueda', 'Varga', 'West', 'Yilmaz', 'Zamora', 'Ashby', 'Bloom', 'Cruz', 'Dunn',
];
const WORDS = [
  'Midnight', 'Golden', 'Velvet', 'Neon', 'Paper', 'Silver', 'Electric', 'Wild', 'Crystal', 'Broken', 'Summer', 'Satellite',
  'Ocean', 'Honey', 'Cherry', 'Glass', 'Desert', 'Fever', 'Echo', 'Shadow', 'Thunder', 'Sugar', 'Cosmic', 'Lucky', 'Blue',
  'Scarlet', 'Hollow', 'Savage', 'Gentle', 'Lonely', 'Dizzy', 'Faded', 'Burning', 'Frozen', 'Secret', 'Heavy', 'Sweet',
  'Rose', 'Moon', 'City', 'Heart', 'Fire', 'Rain', 'Lights', 'Dreams', 'Waves', 'Roads', 'Skies', 'Tears', 'Games',
  'Lies', 'Kisses', 'Nights', 'Wings', 'Mirrors', 'Bones', 'Stars', 'Flowers', 'Ghosts', 'Diamonds', 'Angels', 'Signals',
];
const PHRASES = [
  "Don't Look Back", 'Call Me Later', 'Stay Another Night', 'Too Good To Be True', 'Say It Again', 'Back To You',
  'Run Away With Me', 'No Sleep', 'All I Need', 'Where Did You Go', 'Hold On Tight', 'Never Enough', 'One More Time',
  'Made For This', 'Out Of My Head', 'Without You', 'Dance Alone', 'Keep It Quiet', 'Lose Control', 'Tell Me Why',
  'Better Days', 'Little Things', 'Before The Sun', 'Like I Do', 'Real Love', 'On My Own', 'Fall Apart', 'Slow Down',
  'Perfect Stranger', 'Not Like Before', 'Who Are You Now', 'Take It Easy', 'Home Tonight', 'Missing You', 'Get Up',
];
const SPANISH = ['Mi Amor', 'La Noche', 'Corazón', 'Bailando Sola', 'Otra Vez', 'Te Extraño', 'Fuego', 'Mañana', 'Quédate', 'Sin Ti', 'Dime', 'Perreo Lento'];
const BAND_NOUNS = ['Tigers', 'Satellites', 'Lanterns', 'Wolves', 'Parade', 'Circuit', 'Collective', 'Orchestra', 'Machines', 'Gardens', 'Harbor', 'Comets'];
const PREFIXES = ['Lil', 'Young', 'DJ', 'MC', 'Big', 'King', 'Saint'];
const LABEL_PARTS = ['Northwave', 'Bright Lane', 'Tidal Street', 'Red Harbor', 'Open Sky', 'Blue Fern', 'Golden Gate', 'Neon Hill', 'Polar', 'Lotus', 'Atlas', 'Meridian', 'Sunset Yard', 'Nightjar', 'Crown Court'];
const LABEL_KINDS = ['Records', 'Music', 'Recordings', 'Entertainment', 'Sound'];
export const MAJOR_DISTRIBUTORS = ['Republic Records', 'Columbia', 'Atlantic Records', 'Interscope Records', 'RCA Records', 'Island Records', 'Warner Records', 'Capitol Records', 'Epic', 'Def Jam Recordings'];

export function artistName(rng: Prng): string {
  const roll = rng.next();
  if (roll < 0.5) return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
  if (roll < 0.65) return `${rng.pick(PREFIXES)} ${rng.pick(FIRST)}`;
  if (roll < 0.8) return `The ${rng.pick(WORDS)} ${rng.pick(BAND_NOUNS)}`;
  if (roll < 0.9) return rng.pick(FIRST).toUpperCase() + (rng.chance(0.5) ? '' : ` ${rng.pick(['X', 'K', 'Z', 'V'])}`);
  return `${rng.pick(WORDS)} ${rng.pick(LAST)}`;
}

export function songTitle(rng: Prng, latin: boolean): string {
  const roll = rng.next();
  if (latin && roll < 0.6) return rng.pick(SPANISH) + (rng.chance(0.3) ? ` ${rng.pick(['Remix', 'II', 'Bonita', 'Loca'])}` : '');
  if (roll < 0.35) return rng.pick(PHRASES);
  if (roll < 0.75) return `${rng.pick(WORDS)} ${rng.pick(WORDS)}`;
  if (roll < 0.9) return rng.pick(WORDS);
  return `${rng.pick(WORDS).toUpperCase()}`;
}

export function albumTitle(rng: Prng): string {
  const roll = rng.next();
  if (roll < 0.4) return `${rng.pick(WORDS)} ${rng.pick(WORDS)}`;
  if (roll < 0.6) return rng.pick(PHRASES);
  if (roll < 0.8) return rng.pick(WORDS).toUpperCase();
  return `${rng.pick(WORDS)} (Deluxe)`;
}

export function labelName(rng: Prng): string {
  return `${rng.pick(LABEL_PARTS)} ${rng.pick(LABEL_KINDS)}`;
}

export function personName(rng: Prng): string {
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

/** Genre families: an artist takes one to three genres from one family. */
export const GENRE_FAMILIES: readonly (readonly string[])[] = [
  ['pop', 'dance pop', 'art pop', 'electropop'],
  ['hip hop', 'rap', 'trap', 'melodic rap'],
  ['latin pop', 'reggaeton', 'urbano latino', 'trap latino'],
  ['k-pop', 'k-pop boy group', 'k-pop girl group'],
  ['afrobeats', 'afropop', 'amapiano'],
  ['r&b', 'contemporary r&b', 'alternative r&b'],
  ['indie pop', 'bedroom pop', 'alt z'],
  ['country', 'contemporary country', 'country pop'],
  ['edm', 'house', 'tropical house', 'uk dance'],
  ['modern rock', 'pop rock', 'alternative rock'],
  ['corrido', 'corridos tumbados', 'musica mexicana'],
  ['sertanejo', 'sertanejo universitario', 'funk carioca'],
];
