import { useEffect, useRef } from 'preact/hooks';
import { listNumber, parseAgreement, type AgreementBlock } from '../../../signaling/document/agreement.js';
import './agreement-doc.css';

/**
 * The agreement as a formatted document, from the same parse as the PDF (signaling/document/agreement.ts): headings,
 * numbered clauses as <ol start> (the browser numbers them, so 10, 11... stay right), paragraphs with their line breaks.
 * Everything is rendered as text nodes: nothing in the agreement can become markup.
 */
export function AgreementBlocks({ text }: { text: string }) {
  return <>{parseAgreement(text).map((b, i) => <Block key={i} b={b} />)}</>;
}

function Block({ b }: { b: AgreementBlock }) {
  if (b.kind === 'heading') {
    const H = b.level === 1 ? 'h1' : b.level === 2 ? 'h2' : 'h3';
    return <H>{b.text}</H>;
  }
  if (b.kind === 'paragraph') return <p>{b.lines.map((l, i) => (i === 0 ? l : <><br />{l}</>))}</p>;
  const items = b.items.map((lines, i) => (
    <li key={i} value={b.ordered ? b.start + i : undefined} data-number={b.ordered ? listNumber(b, i) : undefined}>
      {lines.map((l, j) => (j === 0 ? l : <><br />{l}</>))}
    </li>
  ));
  return b.ordered ? <ol start={b.start}>{items}</ol> : <ul>{items}</ul>;
}

interface Props {
  text: string;
  label: string;
  testId?: string;
  /** Called once the end of the text has been on screen (the "I have read" gate). */
  onEndSeen?: () => void;
  /** Scroll inside the box (signing, court) or let the page scroll (pad preview). */
  boxed?: boolean;
}

/** A focusable, keyboard-scrollable region holding the document, with an end marker watched on screen. */
export function AgreementDocument({ text, label, testId, onEndSeen, boxed = true }: Props) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = end.current;
    if (!el || !onEndSeen) return;
    if (typeof IntersectionObserver === 'undefined') {
      onEndSeen();
      return;
    }
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        onEndSeen();
      }
    });
    io.observe(el);
    return () => io.disconnect();
  }, [text, onEndSeen]);
  return (
    <div class={`agreement-doc${boxed ? ' agreement-doc-boxed' : ''}`} role="region" aria-label={label} tabIndex={0} data-testid={testId}>
      <AgreementBlocks text={text} />
      <div ref={end} class="agreement-doc-end" data-testid="agreement-end" aria-hidden="true" />
    </div>
  );
}
