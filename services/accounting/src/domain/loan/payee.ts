/**
 * The last four digits of the account a disbursement was paid into, as the borrower's notice
 * shows it (尾号1234): enough to recognise the account, too little to use it. Spaces and dashes
 * are how the number was typed, not part of it. Undefined when no account was given.
 */
export function accountTail(account: string | undefined): string | undefined {
  const digits = (account ?? '').replace(/[\s-]/g, '');
  return digits ? digits.slice(-4) : undefined;
}
