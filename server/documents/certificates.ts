import { createHash, generateKeyPairSync, randomBytes, sign as rsaSign } from 'node:crypto';
import forge from 'node-forge';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { NotFoundError } from '../lib/errors.js';
import { BOX_LABELS, SecretBox } from '../lib/secret-box.js';
import type { AuditLog } from '../cases/audit.js';

/**
 * X.509 credentials for sealing and signing PDFs.
 *
 * Each organisation (mediation organisation or court) gets, on first use, its OWN self-issued CA (RSA-2048, 10 years)
 * and a seal certificate issued by that CA (RSA-2048, 5 years, keyUsage digitalSignature + nonRepudiation). No public
 * or government CA is involved: a relying party has to trust the organisation's CA certificate explicitly (our verifier
 * does so for the CAs stored here; poppler's `pdfsig` reports the chain as untrusted, while the signatures themselves
 * verify). Both private keys are stored encrypted (AES-256-GCM, key = HKDF-SHA256 of the service secret, the org id and
 * the key's purpose bound in as additional data) in table `org_credentials` (migration 004).
 *
 * Per-signer certificates (`forSigner`) are issued by the organisation's CA for one signature: a fresh RSA key made in
 * this process, used once and never stored. They bind the signer's name and role to that one PAdES signature.
 */

export interface SigningCredentials {
  /** PEM of the signing certificate (the seal certificate, or the signer's certificate). */
  certPem: string;
  /** PEM (PKCS#8) of its private key. Kept in memory only. */
  keyPem: string;
  /** Issuer chain, nearest first (here: the organisation's CA certificate). Put into the CMS for verifiers. */
  chainPem: string[];
  /** The same key and chain as PKCS#12 (AES-256, PBKDF2), for tools that take a .p12 (e.g. @signpdf/signer-p12). */
  p12: Buffer;
  /** Random password of `p12`, made for this object; never stored. */
  p12Password: string;
  /** Hex SHA-256 of the signing certificate's DER. */
  certSha256: string;
  /** Subject common name of the signing certificate. */
  subjectName: string;
}

export interface OrgCredentials extends SigningCredentials {
  orgId: string;
  /** PEM of the organisation's self-issued CA certificate (the trust anchor a verifier needs). */
  caPem: string;
}

type Attr = { shortName?: string; type?: string; value: string; valueTagClass?: number };

const UTF8 = forge.asn1.Type.UTF8;

/** Short names forge does not know, as OIDs. */
const ATTR_OIDS: Record<string, string> = { T: '2.5.4.12' };

function utf8Attrs(attrs: { shortName: string; value: string }[]): Attr[] {
  // forge writes PrintableString by default, which cannot hold Chinese; with the UTF8String tag forge UTF-8-encodes
  // the JavaScript string itself.
  return attrs
    .filter((a) => a.value)
    .map((a) => ({ ...(ATTR_OIDS[a.shortName] ? { type: ATTR_OIDS[a.shortName] } : { shortName: a.shortName }), value: a.value, valueTagClass: UTF8 }));
}

function newRsaKey(): { keyPem: string; publicKey: forge.pki.rsa.PublicKey } {
  // Node's native generator and signer (milliseconds) instead of forge's pure-JS RSA (seconds on a busy machine).
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { keyPem, publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) };
}

function serial(): string {
  // Positive 128-bit serial (first bit cleared).
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

interface IssueOptions {
  subject: Attr[];
  publicKey: forge.pki.rsa.PublicKey;
  /** The issuing CA (certificate + PEM key), or the subject's own key for a self-signed CA. */
  issuer: { cert: forge.pki.Certificate; keyPem: string } | { selfKeyPem: string };
  years: number;
  ca: boolean;
}

/**
 * Attributes of a certificate parsed by forge hold UTF8String values as raw UTF-8 bytes, and forge would encode them
 * once more when writing; decode them so the issuer name written is byte-identical to the CA's subject. Only for
 * certificates read back from PEM (`issue` is always given one).
 */
function reencodable(attrs: forge.pki.CertificateField[]): Attr[] {
  return attrs.map((a) => ({
    type: a.type as string,
    value: (a.valueTagClass as unknown as number) === UTF8 ? forge.util.decodeUtf8(a.value as string) : (a.value as string),
    valueTagClass: a.valueTagClass as unknown as number,
  }));
}

function issue(o: IssueOptions): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = o.publicKey;
  cert.serialNumber = serial();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + o.years * 365.25 * 86400_000);
  cert.setSubject(o.subject);
  const selfSigned = 'selfKeyPem' in o.issuer;
  cert.setIssuer(selfSigned ? o.subject : reencodable((o.issuer as { cert: forge.pki.Certificate }).cert.subject.attributes));
  const extensions: object[] = [
    { name: 'basicConstraints', cA: o.ca, critical: true },
    o.ca
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (!o.ca) extensions.push({ name: 'extKeyUsage', emailProtection: true });
  if (!selfSigned) {
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: (o.issuer as { cert: forge.pki.Certificate }).cert.generateSubjectKeyIdentifier().getBytes() });
  }
  cert.setExtensions(extensions);
  // sha256WithRSAEncryption over the DER TBSCertificate, signed natively; forge only assembles the ASN.1.
  const sha256WithRsa = forge.pki.oids.sha256WithRSAEncryption!;
  cert.siginfo.algorithmOid = sha256WithRsa;
  (cert as unknown as { signatureOid: string }).signatureOid = sha256WithRsa;
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  const keyPem = selfSigned ? (o.issuer as { selfKeyPem: string }).selfKeyPem : (o.issuer as { keyPem: string }).keyPem;
  cert.signature = rsaSign('sha256', Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary'), keyPem).toString('binary');
  return cert;
}

export function certSha256(certPem: string): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem))).getBytes();
  return createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex');
}

function toP12(keyPem: string, certPems: string[], friendlyName: string): { p12: Buffer; password: string } {
  const password = randomBytes(18).toString('base64url');
  const asn = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(keyPem),
    certPems.map((p) => forge.pki.certificateFromPem(p)),
    password,
    { algorithm: 'aes256', friendlyName, count: 2048 },
  );
  return { p12: Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary'), password };
}

/**
 * Adds `p12` and `p12Password`, built on first access: forge's PKCS#12 writer (PBKDF2 + AES in JavaScript) costs about a
 * second on a busy 2-core machine, and our own signer does not need it.
 */
function withLazyP12<C extends Omit<SigningCredentials, 'p12' | 'p12Password'>>(c: C): C & Pick<SigningCredentials, 'p12' | 'p12Password'> {
  let built: { p12: Buffer; password: string } | undefined;
  const build = () => (built ??= toP12(c.keyPem, [c.certPem, ...c.chainPem], c.subjectName));
  return Object.defineProperties(c, {
    p12: { get: () => build().p12, enumerable: false },
    p12Password: { get: () => build().password, enumerable: false },
  }) as C & Pick<SigningCredentials, 'p12' | 'p12Password'>;
}

function commonName(cert: forge.pki.Certificate): string {
  const cn = cert.subject.getField('CN') as { value: string } | null;
  return cn ? forge.util.decodeUtf8(cn.value) : '';
}

/** Loads or creates the organisation credentials; keeps decrypted ones in memory for this process. */
export class OrgCredentialStore {
  private readonly db: Kysely<Database>;
  private readonly box: SecretBox;
  private readonly cache = new Map<string, Promise<OrgCredentials>>();

  /** With `audit`, the creation of an organisation's credentials is recorded in its chain (`org:<id>`). */
  constructor(db: Kysely<Database>, serviceSecret: string, private readonly audit?: AuditLog) {
    this.db = db;
    this.box = new SecretBox(serviceSecret, BOX_LABELS.orgKeys);
  }

  /**
   * Credentials of an organisation (seal certificate + key), created and stored on first use. Throws NotFoundError for
   * an unknown organisation. Concurrent first uses (also across instances) end with one stored set.
   */
  forOrg(orgId: string): Promise<OrgCredentials> {
    let p = this.cache.get(orgId);
    if (!p) {
      p = this.loadOrCreate(orgId);
      this.cache.set(orgId, p);
      p.catch(() => this.cache.delete(orgId));
    }
    return p;
  }

  /** Creates the credentials of an organisation now (setup) unless they exist; returns the seal certificate's hash. */
  async ensure(orgId: string): Promise<string> {
    return (await this.forOrg(orgId)).certSha256;
  }

  /** PEMs of every organisation CA in the store: the trust anchors for `verifyPdf`. */
  async trustAnchors(): Promise<{ orgId: string; caPem: string }[]> {
    const rows = await this.db.selectFrom('org_credentials').select(['org_id', 'ca_cert_pem']).orderBy('org_id').execute();
    return rows.map((r) => ({ orgId: r.org_id, caPem: r.ca_cert_pem }));
  }

  /**
   * A one-signature certificate for a signer, issued by the organisation's CA: subject CN = the signer's name, title =
   * role, OU = case number, O = the organisation. The key is fresh, kept in memory only, and meant for one signature.
   */
  async forSigner(orgId: string, signer: { name: string; role: string; caseNumber: string }): Promise<SigningCredentials> {
    const org = await this.forOrg(orgId);
    const caKeyPem = this.box.open((await this.row(orgId))!.ca_key_enc, `${orgId}:ca`);
    const caCert = forge.pki.certificateFromPem(org.caPem);
    const { keyPem, publicKey } = newRsaKey();
    const orgName = commonName(forge.pki.certificateFromPem(org.certPem));
    const cert = issue({
      subject: utf8Attrs([
        { shortName: 'CN', value: signer.name },
        { shortName: 'T', value: signer.role },
        { shortName: 'OU', value: signer.caseNumber },
        { shortName: 'O', value: orgName },
      ]),
      publicKey,
      issuer: { cert: caCert, keyPem: caKeyPem },
      years: 2,
      ca: false,
    });
    const certPem = forge.pki.certificateToPem(cert);
    return withLazyP12({ certPem, keyPem, chainPem: [org.caPem], certSha256: certSha256(certPem), subjectName: signer.name });
  }

  private row(orgId: string) {
    return this.db.selectFrom('org_credentials').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  }

  private async loadOrCreate(orgId: string): Promise<OrgCredentials> {
    let row = await this.row(orgId);
    if (!row) {
      const org = await this.db.selectFrom('organisations').selectAll().where('id', '=', orgId).executeTakeFirst();
      if (!org) throw new NotFoundError('organisation');
      const ca = newRsaKey();
      const caCert = issue({
        subject: utf8Attrs([
          { shortName: 'CN', value: `${org.name_en} Signing CA (self-issued)` },
          { shortName: 'O', value: org.name },
          { shortName: 'OU', value: 'Concord' },
        ]),
        publicKey: ca.publicKey,
        issuer: { selfKeyPem: ca.keyPem },
        years: 10,
        ca: true,
      });
      const seal = newRsaKey();
      const sealCert = issue({
        subject: utf8Attrs([
          { shortName: 'CN', value: org.name },
          { shortName: 'O', value: org.name_en },
          { shortName: 'OU', value: org.kind === 'court' ? 'Court seal' : 'Organisation seal' },
        ]),
        publicKey: seal.publicKey,
        issuer: { cert: forge.pki.certificateFromPem(forge.pki.certificateToPem(caCert)), keyPem: ca.keyPem },
        years: 5,
        ca: false,
      });
      const certPem = forge.pki.certificateToPem(sealCert);
      const values = {
        org_id: orgId,
        ca_cert_pem: forge.pki.certificateToPem(caCert),
        ca_key_enc: this.box.seal(ca.keyPem, `${orgId}:ca`),
        cert_pem: certPem,
        key_enc: this.box.seal(seal.keyPem, `${orgId}:seal`),
        cert_sha256: certSha256(certPem),
        created_at: new Date().toISOString(),
      };
      try {
        await this.db.transaction().execute(async (trx) => {
          await trx.insertInto('org_credentials').values(values).execute();
          await this.audit?.append(trx, `org:${orgId}`, {
            actor: 'system', action: 'documents.credentials_created',
            data: { caCertSha256: certSha256(values.ca_cert_pem), sealCertSha256: values.cert_sha256, selfIssued: true },
          });
        });
      } catch (err) {
        // Another request or instance created them first: use the stored ones.
        row = await this.row(orgId);
        if (!row) throw err;
      }
      row ??= values;
    }
    const keyPem = this.box.open(row.key_enc, `${orgId}:seal`);
    const subjectName = commonName(forge.pki.certificateFromPem(row.cert_pem));
    return withLazyP12({
      orgId, certPem: row.cert_pem, keyPem, chainPem: [row.ca_cert_pem], caPem: row.ca_cert_pem, certSha256: row.cert_sha256, subjectName,
    });
  }
}
