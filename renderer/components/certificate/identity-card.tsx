import { Fragment, useId, type ReactNode } from 'react';
import type { CertificateIdentityDto } from '../../../preload/contract.ts';
import { formatDate } from '../../i18n/format.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { CopyButton } from './copy-button.tsx';
import { Fact } from './fact.tsx';

/**
 * What the live certificate is: its domains (SANs), subject, issuer, serial, SHA-256 and SHA-1
 * fingerprints (each with a copy button, to compare with what a server or browser shows), key type,
 * and the issuer chain leaf first. Says so when no certificate was obtained yet.
 */
export function IdentityCard({ identity }: { readonly identity: CertificateIdentityDto | undefined }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const titleId = useId();
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {t('cert.identity.title')}
      </h2>
      {identity === undefined ? (
        <p className="card__empty">{t('cert.identity.none')}</p>
      ) : (
        <>
          <dl className="facts">
            <Fact label={t('cert.identity.domains')}>
              <ul className="cert-domains">
                {identity.domains.map((domain) => (
                  <li key={domain}>
                    <code>{domain}</code>
                  </li>
                ))}
              </ul>
            </Fact>
            <Fact label={t('cert.identity.subject')}>
              <span className="wrap-anywhere">{identity.subject}</span>
            </Fact>
            <Fact label={t('cert.identity.issuer')}>
              <span className="wrap-anywhere">{identity.issuer}</span>
            </Fact>
            <Fact label={t('cert.identity.serial')}>
              <Copyable text={identity.serial} what={t('cert.identity.serial')} />
            </Fact>
            <Fact label={t('cert.identity.sha256')}>
              <Copyable text={identity.sha256} what={t('cert.identity.sha256')} />
            </Fact>
            <Fact label={t('cert.identity.sha1')}>
              <Copyable text={identity.sha1} what={t('cert.identity.sha1')} />
            </Fact>
            <Fact label={t('cert.identity.keyType')}>{identity.keyType}</Fact>
          </dl>
          <h3 className="card__subtitle">{t('cert.identity.chain')}</h3>
          <ol className="cert-chain">
            {identity.chain.map((link, index) => (
              <li key={`${link.sha256}/${String(index)}`} className="cert-chain__link">
                <span className="cert-chain__role">{index === 0 ? t('cert.identity.chain.leaf') : t('cert.identity.chain.issuer')}</span>
                <span className="cert-chain__subject wrap-anywhere">{link.subject}</span>
                <span className="cert-chain__meta">{t('cert.identity.chain.until', { date: formatDate(link.notAfter, locale) })}</span>
                <code className="cert-chain__fingerprint">
                  <HexBytes text={link.sha256} />
                </code>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/** A long hex value in a monospace box that wraps between bytes, with its copy button beside it. */
function Copyable({ text, what }: { readonly text: string; readonly what: string }): ReactNode {
  return (
    <span className="copyable">
      <code className="path copyable__value">
        <HexBytes text={text} />
      </code>
      <CopyButton text={text} what={what} />
    </span>
  );
}

/** A colon-separated hex value with a line-break opportunity after each colon, never inside a byte. */
function HexBytes({ text }: { readonly text: string }): ReactNode {
  return text.split(':').map((part, index) => (
    // The parts of one value never reorder, so their position is a stable key.
    <Fragment key={index}>
      {index === 0 ? null : (
        <>
          :<wbr />
        </>
      )}
      {part}
    </Fragment>
  ));
}
