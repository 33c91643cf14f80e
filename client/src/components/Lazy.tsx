import { h, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Loading } from './Loading.js';

/**
 * Code-split a view: the staff pages that carry the validation schemas load on demand, so a party opening
 * a join link on a weak mobile network downloads only what the join and waiting pages need.
 */
export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  return function LazyView(props: P) {
    const [, setTick] = useState(0);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      pending ??= load();
      pending.then(
        (c) => { loaded = c; if (live) setTick((n) => n + 1); },
        () => { pending = null; if (live) setFailed(true); },
      );
      return () => { live = false; };
    }, []);
    if (loaded) return h(loaded, props);
    if (failed) {
      return (
        <div class="banner banner-error" role="alert" data-testid="error">
          <div class="banner-body">
            <strong>{t('error.NETWORK')}</strong>{' '}
            <button type="button" class="btn btn-small" onClick={() => location.reload()}>{t('common.retry')}</button>
          </div>
        </div>
      );
    }
    return <Loading />;
  };
}
