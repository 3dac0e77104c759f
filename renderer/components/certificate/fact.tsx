import type { ReactNode } from 'react';

/** One label/value row of a `.facts` description list (`<dl className="facts">`). */
export function Fact({ label, children }: { readonly label: string; readonly children: ReactNode }): ReactNode {
  return (
    <div className="facts__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
