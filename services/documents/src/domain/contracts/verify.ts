/**
 * 验签: whether a contract's bytes are exactly what every party signed, each signature carrying a
 * trusted timestamp over its signature value (the CAdES-T arrangement, with the token kept beside
 * the signature rather than in an unsigned attribute).
 */
import { signatureTimestampDigest, verifyDetached } from './cms';
import { verifyTimestampToken } from './tsa';

export interface PartySignature {
  /** The party's role or name, as the caller records it. */
  party: string;
  /** Detached CMS signature over the PDF. */
  cms: Buffer;
  /** RFC 3161 TimeStampToken over SHA-256 of the signature value. */
  timestampToken: Buffer;
}

export interface SignatureCheck {
  party: string;
  ok: boolean;
  /** The signer certificate's common name, when the signature could be read. */
  signer: string | null;
  /** The signing time the signer claims. */
  signingTime: Date | null;
  /** The time the TSA vouches for. */
  timestampTime: Date | null;
  reason?: string;
}

export interface ContractVerification {
  /** True only if there is at least one signature and every signature and timestamp verifies. */
  intact: boolean;
  /** One per given signature, in the same order. */
  signatures: SignatureCheck[];
}

/**
 * How far a signer's claimed signing time may run ahead of the timestamp before the claim is
 * treated as false: the timestamp is taken after the signature, so only clock skew explains it.
 */
export const SIGNING_TIME_SKEW_MS = 5 * 60_000;

function check(
  pdf: Buffer,
  s: PartySignature,
  trustedRootPem: string,
): SignatureCheck & { certificateSerial?: string } {
  const result: SignatureCheck = {
    party: s.party,
    ok: false,
    signer: null,
    signingTime: null,
    timestampTime: null,
  };
  let digest: Buffer;
  try {
    digest = signatureTimestampDigest(s.cms);
  } catch (e) {
    return { ...result, reason: (e as Error).message };
  }
  const ts = verifyTimestampToken(s.timestampToken, digest, trustedRootPem);
  if (ts.ok) result.timestampTime = ts.genTime;
  // Certificates must have been valid when the signer claims to have signed and when the TSA
  // saw the signature.
  const sig = verifyDetached(pdf, s.cms, trustedRootPem, ts.ok ? { at: ts.genTime } : {});
  if (!sig.ok) return { ...result, reason: `signature: ${sig.reason}` };
  result.signer = sig.signerCommonName;
  result.signingTime = sig.signingTime;
  if (!ts.ok) return { ...result, reason: `timestamp: ${ts.reason}` };
  if (sig.signingTime.getTime() - ts.genTime.getTime() > SIGNING_TIME_SKEW_MS) {
    return { ...result, reason: 'timestamp: earlier than the claimed signing time' };
  }
  return { ...result, ok: true, certificateSerial: sig.signerSerial };
}

/**
 * Verifies every party's signature and timestamp over exactly these PDF bytes against one trusted
 * root. A signature made with a certificate another entry already used fails too: each party
 * signs with its own certificate. The caller decides whether the parties present are all the
 * contract needs.
 */
export function verifySignedContract(
  pdf: Buffer,
  signatures: readonly PartySignature[],
  trustedRootPem: string,
): ContractVerification {
  const seen = new Map<string, string>();
  const checks = signatures.map((s): SignatureCheck => {
    const { certificateSerial, ...c } = check(pdf, s, trustedRootPem);
    if (certificateSerial === undefined) return c;
    const earlier = seen.get(certificateSerial);
    if (earlier !== undefined) {
      return { ...c, ok: false, reason: `signed with the certificate already used for ${earlier}` };
    }
    seen.set(certificateSerial, s.party);
    return c;
  });
  return { intact: checks.length > 0 && checks.every((c) => c.ok), signatures: checks };
}
