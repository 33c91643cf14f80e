import { getLang, type Lang, type Params } from '../i18n/index.js';
import { enRoom, type RoomCatalogue } from '../i18n/room/en.js';
import { zhHansRoom } from '../i18n/room/zh-Hans.js';
import { zhHantRoom } from '../i18n/room/zh-Hant.js';
import { ptRoom } from '../i18n/room/pt.js';

/**
 * Strings of the hearing room (pre-join checks, test call, lobby, the hearing, closed), in their own catalogues
 * (client/src/i18n/room/), bundled with the room's lazy chunk: the join page's first load does not carry them.
 * Looked up in the language the app's switch chose (components re-render through useLang()).
 */
export type RoomKey = keyof typeof enRoom;
const catalogues: Record<Lang, RoomCatalogue> = { en: enRoom, 'zh-Hans': zhHansRoom, 'zh-Hant': zhHantRoom, pt: ptRoom };

export function rt(key: RoomKey, params?: Params): string {
  const template = catalogues[getLang()][key] ?? enRoom[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
