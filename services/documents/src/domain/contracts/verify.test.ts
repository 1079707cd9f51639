import { signatureTimestampDigest, signDetached } from './cms';
import { contractPdf } from './pdf';
import type { Credentials } from './pki';
import { flipByte, makePki, sampleContract } from './test-support';
import { respondToRequest, timestampRequest, tokenFromResponse } from './tsa';
import { verifySignedContract, type PartySignature } from './verify';

const pki = makePki();
const ROOT = pki.root.certificatePem;
const OFFICER_SIGNS = new Date('2025-03-01T09:00:00.000Z');
const BORROWER_SIGNS = new Date('2025-03-02T10:30:00.000Z');

let serial = 0n;
/** What the service does for each party: sign the bytes, timestamp the signature value. */
function sign(
  party: string,
  pdf: Buffer,
  signer: Credentials,
  at: Date,
  options: { tsa?: Credentials; genTime?: Date } = {},
): PartySignature {
  const cms = signDetached(pdf, signer, at);
  const request = timestampRequest(signatureTimestampDigest(cms), 1000n + serial);
  const response = respondToRequest(
    options.tsa ?? pki.tsa,
    request,
    options.genTime ?? at,
    ++serial,
  );
  return { party, cms, timestampToken: tokenFromResponse(response) };
}

describe('verifySignedContract', () => {
  let pdf: Buffer;
  let signatures: PartySignature[];

  beforeAll(async () => {
    pdf = await contractPdf(sampleContract());
    signatures = [
      sign('lender', pdf, pki.officer, OFFICER_SIGNS),
      sign('borrower', pdf, pki.borrower, BORROWER_SIGNS),
    ];
  });

  it('finds a contract signed by the bank officer and the borrower intact', () => {
    expect(verifySignedContract(pdf, signatures, ROOT)).toEqual({
      intact: true,
      signatures: [
        {
          party: 'lender',
          ok: true,
          signer: '王敏 (lender)',
          signingTime: OFFICER_SIGNS,
          timestampTime: OFFICER_SIGNS,
        },
        {
          party: 'borrower',
          ok: true,
          signer: '张三 (borrower)',
          signingTime: BORROWER_SIGNS,
          timestampTime: BORROWER_SIGNS,
        },
      ],
    });
  });

  it.each([
    ['the header', 7],
    ['the middle', 0.5],
    ['the trailer', -20],
  ])('finds it not intact after one byte in %s changes, for every party', (_, where) => {
    const index = where > 0 && where < 1 ? Math.floor(pdf.length * where) : where;
    const r = verifySignedContract(flipByte(pdf, index), signatures, ROOT);
    expect(r.intact).toBe(false);
    for (const s of r.signatures) {
      expect(s.ok).toBe(false);
      expect(s.reason).toMatch(/^signature: message digest mismatch/);
      // The timestamps are over the signatures, not the PDF, so they still check out.
      expect(s.timestampTime).not.toBeNull();
    }
  });

  it('finds another rendering of the contract not intact', async () => {
    const other = await contractPdf(sampleContract({ annualRatePercent: '3.50' }));
    expect(verifySignedContract(other, signatures, ROOT).intact).toBe(false);
  });

  it('reports a timestamp that belongs to another signature', () => {
    const swapped = [
      { ...signatures[0], timestampToken: signatures[1].timestampToken },
      signatures[1],
    ];
    const r = verifySignedContract(pdf, swapped, ROOT);
    expect(r.intact).toBe(false);
    expect(r.signatures[0]).toMatchObject({
      ok: false,
      signer: '王敏 (lender)',
      timestampTime: null,
      reason: expect.stringMatching(/^timestamp: the token is for another digest/),
    });
    expect(r.signatures[1].ok).toBe(true);
  });

  it('reports a signature by a certificate of another CA', () => {
    const r = verifySignedContract(
      pdf,
      [signatures[0], sign('borrower', pdf, pki.impostor, BORROWER_SIGNS)],
      ROOT,
    );
    expect(r.intact).toBe(false);
    expect(r.signatures[1]).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^signature: .*does not chain to the trusted root/),
    });
  });

  it('reports a timestamp from a certificate that is not a TSA', () => {
    const r = verifySignedContract(
      pdf,
      [signatures[0], sign('borrower', pdf, pki.borrower, BORROWER_SIGNS, { tsa: pki.officer })],
      ROOT,
    );
    expect(r.signatures[1]).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^timestamp: .*not a timestamping certificate/),
    });
  });

  it('reports a claimed signing time later than the timestamp', () => {
    const backdatedStamp = sign('borrower', pdf, pki.borrower, BORROWER_SIGNS, {
      genTime: new Date(BORROWER_SIGNS.getTime() - 3600_000),
    });
    const r = verifySignedContract(pdf, [signatures[0], backdatedStamp], ROOT);
    expect(r.signatures[1]).toMatchObject({
      ok: false,
      reason: 'timestamp: earlier than the claimed signing time',
    });
  });

  it('reports one certificate signing for two parties', () => {
    const r = verifySignedContract(
      pdf,
      [signatures[0], sign('borrower', pdf, pki.officer, BORROWER_SIGNS)],
      ROOT,
    );
    expect(r.intact).toBe(false);
    expect(r.signatures[1]).toMatchObject({
      ok: false,
      reason: 'signed with the certificate already used for lender',
    });
  });

  it('reports garbage without throwing', () => {
    const r = verifySignedContract(
      pdf,
      [{ party: 'borrower', cms: Buffer.from('junk'), timestampToken: Buffer.from('junk') }],
      ROOT,
    );
    expect(r).toEqual({
      intact: false,
      signatures: [
        {
          party: 'borrower',
          ok: false,
          signer: null,
          signingTime: null,
          timestampTime: null,
          reason: expect.stringMatching(/cannot read the signature/),
        },
      ],
    });
  });

  it('is not intact without any signature', () => {
    expect(verifySignedContract(pdf, [], ROOT)).toEqual({ intact: false, signatures: [] });
  });

  it('is not intact against another trusted root', () => {
    const r = verifySignedContract(pdf, signatures, pki.otherRoot.certificatePem);
    expect(r.intact).toBe(false);
    expect(r.signatures.every((s) => !s.ok)).toBe(true);
  });
});
