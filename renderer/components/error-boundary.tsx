import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useT } from '../i18n/use-t.ts';

interface BoundaryState {
  readonly error: Error | null;
}

/**
 * Catches a render error below it and shows what happened with a way back, instead of a blank
 * window. React still needs a class for this (there is no hook for error boundaries); `resetKey`
 * (e.g. the route) clears the error when it changes.
 */
export class ErrorBoundary extends Component<{ readonly children: ReactNode; readonly resetKey?: string }, BoundaryState> {
  override state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidUpdate(previous: { readonly resetKey?: string }): void {
    if (this.state.error !== null && previous.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('CertDesk renderer error', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <BoundaryNotice
        message={this.state.error.message}
        onRetry={() => {
          this.setState({ error: null });
        }}
      />
    );
  }
}

function BoundaryNotice({ message, onRetry }: { readonly message: string; readonly onRetry: () => void }): ReactNode {
  const t = useT();
  return (
    <div className="notice notice--error" role="alert">
      <h1 className="notice__title">{t('error.boundary.title')}</h1>
      <p>{t('error.boundary.body', { message })}</p>
      <button type="button" className="button" onClick={onRetry}>
        {t('error.boundary.retry')}
      </button>
    </div>
  );
}
