import { randomInt } from 'node:crypto';
import { creditCodeCheckChar, residentIdCheckChar } from '@loanflow/applications';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A random birth date between 1966 and 1999 (adults of working age for any product). */
export function birthDate(): string {
  return `${randomInt(1966, 2000)}-${pad(randomInt(1, 13), 2)}-${pad(randomInt(1, 29), 2)}`;
}

/**
 * A valid, random resident ID number (GB 11643). Region, birth date and sequence all vary, so
 * test runs sharing a database do not collide.
 */
export function residentId(born = birthDate(), sex: 'male' | 'female' = 'male'): string {
  const region = ['310115', '310104', '110108', '440305', '330106'][randomInt(0, 5)];
  // Sequence and sex digit step through their 500 values from a random start, so that one test
  // process never draws the same number twice for a birth date (a test with a fixed birth date
  // made about fifteen customers, and random draws from 2,500 collided now and then).
  const n = (sequenceStart + issued++) % 500;
  const sexDigit = (n % 5) * 2 + (sex === 'male' ? 1 : 0);
  const first17 = `${region}${born.replace(/-/g, '')}${pad(Math.floor(n / 5), 2)}${sexDigit}`;
  return first17 + residentIdCheckChar(first17);
}
const sequenceStart = randomInt(0, 500);
let issued = 0;

const CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A valid, random unified social credit code (GB 32100) of a company registered in Shanghai. */
export function creditCode(): string {
  let body = '';
  for (let i = 0; i < 9; i++) body += CODE_ALPHABET[randomInt(0, CODE_ALPHABET.length)];
  const first17 = `91310115${body}`;
  return first17 + creditCodeCheckChar(first17);
}

/** A valid mainland mobile number. */
export const mobile = (): string => `139${pad(randomInt(0, 100_000_000), 8)}`;
