import type { ReactNode, Ref } from 'react';

/**
 * A button that starts an action and shows it running ("Renewing…"). Unavailable is `aria-disabled`
 * rather than `disabled`, so the button keeps its place in the tab order and focus can return to it
 * after a dialog it opened closes; a click while unavailable does nothing. `describedBy` points at
 * the text saying why it is unavailable.
 */
export function ActionButton({
  ref,
  ...props
}: {
  readonly label: string;
  readonly runningLabel?: string;
  readonly running?: boolean;
  readonly unavailable?: boolean;
  readonly tone?: 'primary' | 'secondary' | 'danger';
  readonly small?: boolean;
  readonly ariaLabel?: string;
  readonly describedBy?: string;
  readonly onClick: () => void;
  readonly ref?: Ref<HTMLButtonElement>;
}): ReactNode {
  const running = props.running === true;
  const off = running || props.unavailable === true;
  const classes = ['button', props.tone === 'danger' ? 'button--danger-outline' : props.tone === 'primary' ? '' : 'button--secondary', props.small === true ? 'button--small' : '']
    .filter((name) => name !== '')
    .join(' ');
  return (
    <button
      ref={ref}
      type="button"
      className={classes}
      aria-disabled={off ? true : undefined}
      aria-busy={running ? true : undefined}
      aria-label={props.ariaLabel}
      aria-describedby={off ? props.describedBy : undefined}
      onClick={() => {
        if (!off) props.onClick();
      }}
    >
      {running ? (
        <>
          <span className="spinner" aria-hidden="true" />
          {props.runningLabel ?? props.label}
        </>
      ) : (
        props.label
      )}
    </button>
  );
}
