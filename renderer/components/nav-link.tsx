import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';

/**
 * A link in the main navigation: a real `<a>` (hash URL, so it works under `app://`), marked
 * `aria-current="page"` while its route is shown.
 */
export function NavLink({ href, children }: { href: string; children: ReactNode }): ReactNode {
  const [location] = useLocation();
  const current = location === href;
  return (
    <Link href={href} className="nav-link" aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}
