import { randomInt } from 'node:crypto';
import { creditCodeCheckChar, residentIdCheckChar } from '@loanflow/applications';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A valid, random resident ID number (GB 11643) for a person born on `birthDate`. */
export function residentId(birthDate = '1988-06-15', sex: 'male' | 'female' = 'male'): string {
  const sequence = randomInt(0, 50) * 2 + (sex === 'male' ? 1 : 0);
  const first17 = `310115${birthDate.replace(/-/g, '')}${pad(randomInt(0, 100), 2)}${sequence % 10}`;
  return first17 + residentIdCheckChar(first17);
}

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
