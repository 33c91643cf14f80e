import type { HearingRole } from '../../signaling/protocol/domain.js';
import type { RecordLanguage } from './languages.js';

interface DraftLabels {
  roles: Record<HearingRole, string>;
  languages: Record<string, string>;
  line: (who: string, language: string, text: string) => string;
}

/**
 * The labels of a drafted hearing record (笔录) in the case file's four written languages. The words spoken stay as
 * they were transcribed (each segment in its speaker's language); who spoke, in which role and language is written
 * in the record's language, as a clerk would.
 */
const LABELS: Record<RecordLanguage, DraftLabels> = {
  'zh-Hans': {
    roles: { applicant: '申请人', respondent: '被申请人', mediator: '调解员', arbitrator: '仲裁员', clerk: '书记员', interpreter: '翻译', observer: '旁听人', court: '法院' },
    languages: { cmn: '普通话', yue: '粤语', en: '英语', pt: '葡萄牙语' },
    line: (who, language, text) => `${who}（${language}）：${text}`,
  },
  'zh-Hant': {
    roles: { applicant: '申請人', respondent: '被申請人', mediator: '調解員', arbitrator: '仲裁員', clerk: '書記員', interpreter: '傳譯員', observer: '旁聽人', court: '法院' },
    languages: { cmn: '普通話', yue: '粵語', en: '英語', pt: '葡萄牙語' },
    line: (who, language, text) => `${who}（${language}）：${text}`,
  },
  en: {
    roles: { applicant: 'Applicant', respondent: 'Respondent', mediator: 'Mediator', arbitrator: 'Arbitrator', clerk: 'Clerk', interpreter: 'Interpreter', observer: 'Observer', court: 'Court' },
    languages: { cmn: 'Mandarin', yue: 'Cantonese', en: 'English', pt: 'Portuguese' },
    line: (who, language, text) => `${who} (${language}): ${text}`,
  },
  pt: {
    roles: { applicant: 'Requerente', respondent: 'Requerido', mediator: 'Mediador', arbitrator: 'Árbitro', clerk: 'Escrivão', interpreter: 'Intérprete', observer: 'Observador', court: 'Tribunal' },
    languages: { cmn: 'mandarim', yue: 'cantonês', en: 'inglês', pt: 'português' },
    line: (who, language, text) => `${who} (${language}): ${text}`,
  },
};

const isRole = (l: DraftLabels, role: string | null): role is HearingRole => role !== null && Object.hasOwn(l.roles, role);

/** One record line per transcript segment, in time order, with the segment's time: "申请人 王五（粤语）：……". */
export function draftRecordLines(
  segments: readonly { speaker: string; role: string | null; language: string | null; startMs: number; text: string }[],
  language: RecordLanguage,
): { text: string; atMs: number }[] {
  const l = LABELS[language];
  return [...segments]
    .sort((a, b) => a.startMs - b.startMs)
    .filter((s) => s.text.trim().length > 0)
    .map((s) => {
      const who = [isRole(l, s.role) ? l.roles[s.role] : null, s.speaker.trim() || null].filter((x): x is string => x !== null).join(' ');
      const spoken = s.language ? (l.languages[s.language] ?? s.language) : '?';
      return { text: l.line(who, spoken, s.text.trim()), atMs: Math.max(0, Math.round(s.startMs)) };
    });
}
