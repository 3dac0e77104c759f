import type { ReactNode } from 'react';
import { useT } from '../../i18n/use-t.ts';
import type { DetailActionName, DetailActionResults, DetailActionState } from '../../store/detail-slice.ts';
import { useAppStore, useAppStoreApi } from '../../store/store-context.tsx';
import { InlineError } from '../inline-error.tsx';

/**
 * Where an action's outcome shows: its result (rendered by `children`) in a polite live region, or
 * its error with the remedy (`InlineError`, an alert). Both can be dismissed. The live region is
 * always in the page, so screen readers announce a result when it appears.
 */
export function ActionFeedback<A extends DetailActionName>(props: {
  readonly id: string;
  readonly action: A;
  readonly children: (result: DetailActionResults[A]) => ReactNode;
}): ReactNode {
  const t = useT();
  const store = useAppStoreApi();
  const { id, action } = props;
  const state = useAppStore((s) => s.detailActions[id]?.[action]) as DetailActionState<A> | undefined;
  const dismiss = (): void => {
    store.getState().dismissDetailAction(id, action);
  };
  return (
    <>
      <div className="action-feedback" role="status">
        {state?.status === 'done' ? (
          <div className="action-result">
            <div className="action-result__body">{props.children(state.result)}</div>
            <button type="button" className="button button--small button--quiet" onClick={dismiss}>
              {t('error.dismiss')}
            </button>
          </div>
        ) : null}
      </div>
      {state?.status === 'failed' ? <InlineError error={state.error} onDismiss={dismiss} /> : null}
    </>
  );
}
