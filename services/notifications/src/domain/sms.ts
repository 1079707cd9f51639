// How an SMS is billed and how contact details are shown to people who may not see them in full.

/** The GSM 03.38 default alphabet (3GPP TS 23.038): one septet each. ESC (0x1B) is left out on purpose. */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: ESC + one septet, so each costs two of the 160. */
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

/** Capacity of one message and of each part of a concatenated one (the UDH takes the rest). */
const LIMITS = {
  gsm7: { single: 160, perPart: 153 },
  ucs2: { single: 70, perPart: 67 },
} as const;

export interface SmsSegments {
  /** What the reader sees: Unicode code points (an emoji is one character). */
  characters: number;
  /** Messages the operator delivers and bills. */
  segments: number;
  encoding: 'gsm7' | 'ucs2';
}

/**
 * How many messages `text` costs. Characters are counted by code point, but the capacity is spent
 * in the units the handset receives: GSM-7 septets (an extension character takes two) or UCS-2
 * 16-bit units. We chose to charge an emoji or any other character outside the BMP two units,
 * because the operator sends it as a UTF-16 surrogate pair: counting it as one would promise 70
 * emoji in one message when only 35 fit. A character (a surrogate pair, an ESC sequence) is never
 * split between two parts, as handsets would show it broken; so a part may hold one unit less.
 */
export function smsSegments(text: string): SmsSegments {
  const codePoints = Array.from(text);
  const gsm7 = codePoints.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c));
  const encoding = gsm7 ? 'gsm7' : 'ucs2';
  const costs = codePoints.map(
    (c) =>
      gsm7 ? (GSM7_EXTENSION.has(c) ? 2 : 1) : c.length /* UTF-16 units: 1, or 2 for a pair */,
  );
  return { characters: codePoints.length, segments: partsFor(costs, LIMITS[encoding]), encoding };
}

function partsFor(costs: number[], limit: { single: number; perPart: number }): number {
  const total = costs.reduce((sum, cost) => sum + cost, 0);
  if (total <= limit.single) return 1;
  let parts = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limit.perPart) {
      parts += 1;
      used = 0;
    }
    used += cost;
  }
  return parts;
}

/**
 * `13812345678` → `138****5678`: the carrier prefix and the last four are what a banker needs to
 * tell two borrowers apart on the phone. Numbers too short for that show only their last two.
 */
export function maskPhone(phone: string): string {
  if (phone.length >= 8) return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
  if (phone.length <= 2) return '*'.repeat(phone.length);
  return '*'.repeat(phone.length - 2) + phone.slice(-2);
}

/**
 * `li.ming@bank.cn` → `l*****g@bank.cn`: the domain stays (it says which organisation); of the
 * local part only the first and last characters, and nothing of one of two characters or less.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return '*'.repeat(Math.max(3, Array.from(email).length));
  const local = Array.from(email.slice(0, at));
  const domain = email.slice(at);
  if (local.length <= 2) return '*'.repeat(Math.max(1, local.length)) + domain;
  return local[0] + '*'.repeat(local.length - 2) + local[local.length - 1] + domain;
}
