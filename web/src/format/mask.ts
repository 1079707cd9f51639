/**
 * What a screen shows of personal data: a resident ID as 110101********1234 (the region and the
 * last four), a mobile number as 138****0101. A value the API already masked is shown as it is.
 */
export function maskId(id: string | null | undefined): string {
  if (!id) return '—';
  if (id.includes('*') || id.length < 8) return id;
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '—';
  if (phone.includes('*') || phone.length < 7) return phone;
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}
