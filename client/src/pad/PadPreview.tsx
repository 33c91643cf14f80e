import { useEffect, useState } from 'preact/hooks';
import { AgreementDocument } from '../components/AgreementDocument.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { Loading } from '../components/Loading.js';
import { tp } from '../i18n/pad/index.js';
import { padApi } from './api.js';

/**
 * The pad's preview: the stored text with the typed terms filled in (the server's preview, as the lock would render
 * it, missing values left as their placeholders), laid out as the same document the signing page and the PDF show.
 */
export function PadPreview({ agreementId }: { agreementId: string }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    padApi.get(agreementId).then((a) => { if (live) setText(a.text.preview); }, (e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [agreementId]);
  if (error) return <ErrorBanner error={error} />;
  if (text === null) return <Loading />;
  return <AgreementDocument text={text} label={tp('pad.previewLabel')} testId="pad-preview" boxed={false} />;
}
