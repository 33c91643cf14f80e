import type { Lang } from '../detect.js';

/** Strings of personal data and retention (issue 12): the organisation's retention form, "download my data". */
export const enPrivacy = {
  'privacy.settings': 'Data retention',
  'privacy.retention.title': 'Retention schedule',
  'privacy.retention.help': 'How long personal data is kept after a case is archived. A daily run deletes what has expired; the audit chain keeps every hash and records each deletion.',
  'privacy.retention.recordings': 'Recordings (days)',
  'privacy.retention.transcripts': 'Transcripts (days)',
  'privacy.retention.chat': 'Chat messages (days)',
  'privacy.retention.identity': 'Identity data (days)',
  'privacy.retention.range': 'From {min} to {max} days',
  'privacy.retention.default': 'The defaults apply: your organisation has not set its own yet.',
  'privacy.retention.save': 'Save schedule',
  'privacy.retention.saved': 'Saved',
  'privacy.export.button': 'Download my data',
  'privacy.export.help': 'A zip file of what this service holds about you in this case (case data, your identity data, your messages, your recordings and transcripts) with a list of SHA-256 hashes.',
  'privacy.export.progress': 'Preparing your data… {mb} MB',
  'privacy.export.failed': 'The download failed. Please try again.',
  'privacy.export.participant': 'Export this person\'s data',
};
type Key = keyof typeof enPrivacy;

const zhHans: Record<Key, string> = {
  'privacy.settings': '数据保存',
  'privacy.retention.title': '数据保存期限',
  'privacy.retention.help': '案件归档后个人数据的保存天数。系统每天删除已到期的数据；审计链保留全部哈希值并记录每一次删除。',
  'privacy.retention.recordings': '录音录像（天）',
  'privacy.retention.transcripts': '转写文本（天）',
  'privacy.retention.chat': '聊天消息（天）',
  'privacy.retention.identity': '身份信息（天）',
  'privacy.retention.range': '{min} 至 {max} 天',
  'privacy.retention.default': '正在使用默认期限：本组织尚未自行设定。',
  'privacy.retention.save': '保存期限',
  'privacy.retention.saved': '已保存',
  'privacy.export.button': '下载我的数据',
  'privacy.export.help': '本案中本服务保存的与您有关的数据（案件信息、您的身份信息、您的消息、您的录音录像和转写文本）的压缩包，附 SHA-256 哈希清单。',
  'privacy.export.progress': '正在准备您的数据…… {mb} MB',
  'privacy.export.failed': '下载失败，请重试。',
  'privacy.export.participant': '导出此人的数据',
};

const zhHant: Record<Key, string> = {
  'privacy.settings': '資料保存',
  'privacy.retention.title': '資料保存期限',
  'privacy.retention.help': '案件歸檔後個人資料的保存天數。系統每天刪除已到期的資料；審計鏈保留全部雜湊值並記錄每一次刪除。',
  'privacy.retention.recordings': '錄音錄影（天）',
  'privacy.retention.transcripts': '轉寫文本（天）',
  'privacy.retention.chat': '聊天訊息（天）',
  'privacy.retention.identity': '身份資料（天）',
  'privacy.retention.range': '{min} 至 {max} 天',
  'privacy.retention.default': '正在使用預設期限：本組織尚未自行設定。',
  'privacy.retention.save': '儲存期限',
  'privacy.retention.saved': '已儲存',
  'privacy.export.button': '下載我的資料',
  'privacy.export.help': '本案中本服務保存的與您有關的資料（案件資訊、您的身份資料、您的訊息、您的錄音錄影和轉寫文本）的壓縮檔，附 SHA-256 雜湊清單。',
  'privacy.export.progress': '正在準備您的資料…… {mb} MB',
  'privacy.export.failed': '下載失敗，請重試。',
  'privacy.export.participant': '匯出此人的資料',
};

const pt: Record<Key, string> = {
  'privacy.settings': 'Conservação de dados',
  'privacy.retention.title': 'Prazos de conservação',
  'privacy.retention.help': 'Durante quanto tempo os dados pessoais são guardados depois de o processo ser arquivado. Uma execução diária apaga o que expirou; a cadeia de auditoria guarda todos os hashes e regista cada eliminação.',
  'privacy.retention.recordings': 'Gravações (dias)',
  'privacy.retention.transcripts': 'Transcrições (dias)',
  'privacy.retention.chat': 'Mensagens do chat (dias)',
  'privacy.retention.identity': 'Dados de identificação (dias)',
  'privacy.retention.range': 'De {min} a {max} dias',
  'privacy.retention.default': 'Aplicam-se os prazos por omissão: a sua organização ainda não definiu os seus.',
  'privacy.retention.save': 'Guardar prazos',
  'privacy.retention.saved': 'Guardado',
  'privacy.export.button': 'Descarregar os meus dados',
  'privacy.export.help': 'Um ficheiro zip com o que este serviço guarda sobre si neste processo (dados do processo, os seus dados de identificação, as suas mensagens, gravações e transcrições), com uma lista de hashes SHA-256.',
  'privacy.export.progress': 'A preparar os seus dados… {mb} MB',
  'privacy.export.failed': 'A transferência falhou. Tente novamente.',
  'privacy.export.participant': 'Exportar os dados desta pessoa',
};

export type PrivacyKey = Key;
/** Every language complete (Record<Key, string>): a missing key is a compile error. */
export const privacyCatalogues: Record<Lang, Record<Key, string>> = { en: enPrivacy, 'zh-Hans': zhHans, 'zh-Hant': zhHant, pt };
