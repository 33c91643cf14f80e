import type { Lang } from '../detect.js';

/** Strings of the room's live captions (issue 17.4): the toggle, the caption area and why a speaker has none. */
export const enCaptions = {
  'cap.toggle': 'Captions',
  'cap.toggleOn': 'Turn on live captions',
  'cap.toggleOff': 'Turn off live captions',
  'cap.region': 'Live captions',
  'cap.waiting': 'Captions are on: what others in this room say appears here.',
  'cap.hint': 'Automatic captions may contain mistakes.',
  'cap.unavailable': 'Live captions are not available on this server.',
  'cap.failedToggle': 'Captions could not be turned on. Try again.',
  'cap.status.starting': 'Starting captions for {name}…',
  'cap.status.limit': 'No captions for {name}: this server is already captioning as many speakers as it can.',
  'cap.status.no_model': 'No captions for {name}: there is no speech recogniser for their language here.',
  'cap.status.failed': 'Captions for {name} stopped; trying again.',
} as const;
export type CapKey = keyof typeof enCaptions;
type CapCatalogue = Readonly<Record<CapKey, string>>;

const zhHansCaptions: CapCatalogue = {
  'cap.toggle': '字幕',
  'cap.toggleOn': '打开实时字幕',
  'cap.toggleOff': '关闭实时字幕',
  'cap.region': '实时字幕',
  'cap.waiting': '字幕已打开：本房间其他人的发言会显示在这里。',
  'cap.hint': '自动字幕可能有误。',
  'cap.unavailable': '本服务器不提供实时字幕。',
  'cap.failedToggle': '无法打开字幕，请重试。',
  'cap.status.starting': '正在为{name}启动字幕……',
  'cap.status.limit': '{name}暂无字幕：本服务器同时生成字幕的发言人已达上限。',
  'cap.status.no_model': '{name}暂无字幕：此处没有该语言的语音识别。',
  'cap.status.failed': '{name}的字幕已中断，正在重试。',
};

const zhHantCaptions: CapCatalogue = {
  'cap.toggle': '字幕',
  'cap.toggleOn': '開啟即時字幕',
  'cap.toggleOff': '關閉即時字幕',
  'cap.region': '即時字幕',
  'cap.waiting': '字幕已開啟：本房間其他人的發言會在此顯示。',
  'cap.hint': '自動字幕可能有誤。',
  'cap.unavailable': '本伺服器不提供即時字幕。',
  'cap.failedToggle': '無法開啟字幕，請再試。',
  'cap.status.starting': '正在為{name}啟動字幕……',
  'cap.status.limit': '{name}暫無字幕：本伺服器同時產生字幕的發言人已達上限。',
  'cap.status.no_model': '{name}暫無字幕：此處沒有該語言的語音辨識。',
  'cap.status.failed': '{name}的字幕已中斷，正在重試。',
};

const ptCaptions: CapCatalogue = {
  'cap.toggle': 'Legendas',
  'cap.toggleOn': 'Ativar legendas em direto',
  'cap.toggleOff': 'Desativar legendas em direto',
  'cap.region': 'Legendas em direto',
  'cap.waiting': 'Legendas ativadas: o que os outros dizem nesta sala aparece aqui.',
  'cap.hint': 'As legendas automáticas podem conter erros.',
  'cap.unavailable': 'As legendas em direto não estão disponíveis neste servidor.',
  'cap.failedToggle': 'Não foi possível ativar as legendas. Tente novamente.',
  'cap.status.starting': 'A iniciar legendas para {name}…',
  'cap.status.limit': 'Sem legendas para {name}: este servidor já legenda o máximo de oradores que consegue.',
  'cap.status.no_model': 'Sem legendas para {name}: não há reconhecimento de voz para a sua língua aqui.',
  'cap.status.failed': 'As legendas de {name} pararam; a tentar de novo.',
};

export const captionsCatalogues: Record<Lang, CapCatalogue> = { en: enCaptions, 'zh-Hans': zhHansCaptions, 'zh-Hant': zhHantCaptions, pt: ptCaptions };
