import {
  defaultRangeExtractor,
  measureElement,
  observeElementRect,
  useVirtualizer,
  type Rect,
  type Virtualizer,
} from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { CertificateRow } from './certificate-row.tsx';

/**
 * A row's height before it is measured, in CSS pixels: two lines of text and the padding. Rows are
 * measured once shown (a narrow window or 200% zoom wraps them taller), so this only has to be close.
 */
const ROW_ESTIMATE_PX = 68;

/** Rows rendered beyond each edge of the viewport, so a fast scroll shows rows, not a blank. */
const OVERSCAN_ROWS = 6;

/**
 * The dashboard's certificate list, virtualised: only the rows in view (and a few beyond) are in the
 * DOM, so 5,000 certificates cost what 30 do. `ids` is the order to show (already searched, filtered
 * and sorted).
 *
 * Keyboard: the list is one Tab stop (a roving tabindex on the rows' links); ↑/↓ move one row,
 * Page Up/Page Down a screenful, Home/End to the first/last, scrolling the row into view; Enter
 * opens it. The focused row is always kept in the DOM, even scrolled out of view, so Tab never loses
 * its place. Screen readers get a list with its full size (`aria-setsize`) and each row's position.
 * Memoised: it re-renders when `ids` or a certificate changes, or on scroll, not when the page does.
 */
export const CertificateList = memo(function CertificateList({ ids }: { readonly ids: ReadonlyArray<string> }): ReactNode {
  const t = useT();
  const hintId = useId();
  const certificates = useAppStore((state) => state.certificates);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const found = activeId === null ? -1 : ids.indexOf(activeId);
  const activeIndex = found === -1 ? 0 : found;
  /** Set by a key press that moved the active row: focus it once it has rendered. */
  const focusPending = useRef(false);

  // TanStack Virtual keeps its state in a mutable instance and re-renders this component itself.
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE_PX,
    overscan: OVERSCAN_ROWS,
    getItemKey: (index) => ids[index] ?? index,
    rangeExtractor: (range) => {
      const indexes = defaultRangeExtractor(range);
      if (activeIndex >= range.count || indexes.includes(activeIndex)) return indexes;
      return [...indexes, activeIndex].sort((a, b) => a - b);
    },
    observeElementRect: observeRectOrWindow,
    measureElement: measureOrEstimate,
    useFlushSync: false,
  });

  const onFocusRow = useCallback((id: string) => {
    setActiveId(id);
  }, []);

  useEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    scrollRef.current?.querySelector<HTMLElement>(`[data-index="${String(activeIndex)}"] a`)?.focus({ preventScroll: true });
  }, [activeIndex]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (ids.length === 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    // A screenful as the virtualizer sees the box, less one row of overlap.
    const page = Math.max(1, Math.floor((virtualizer.scrollRect?.height ?? 0) / ROW_ESTIMATE_PX) - 1);
    const moves: Readonly<Record<string, number>> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: ids.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = Math.min(ids.length - 1, Math.max(0, target));
    focusPending.current = true;
    setActiveId(ids[next] ?? null);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    if (next === activeIndex) {
      focusPending.current = false;
      scrollRef.current?.querySelector<HTMLElement>(`[data-index="${String(next)}"] a`)?.focus({ preventScroll: true });
    }
  };

  return (
    <div className="cert-list">
      <div className="cert-list__header" aria-hidden="true">
        <span>{t('dashboard.column.certificate')}</span>
        <span>{t('dashboard.column.status')}</span>
        <span>{t('dashboard.column.expires')}</span>
        <span>{t('dashboard.column.next')}</span>
      </div>
      <p id={hintId} className="visually-hidden">
        {t('dashboard.list.keyboardHint')}
      </p>
      <div ref={scrollRef} className="cert-list__scroll" onKeyDown={onKeyDown}>
        <div role="list" aria-label={t('dashboard.list.label')} aria-describedby={hintId} className="cert-list__inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const id = ids[item.index];
            const summary = id === undefined ? undefined : certificates[id];
            if (summary === undefined) return null;
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                role="listitem"
                aria-setsize={ids.length}
                aria-posinset={item.index + 1}
                data-index={item.index}
                className="cert-list__item"
                style={{ transform: `translateY(${String(item.start)}px)` }}
              >
                <CertificateRow summary={summary} tabbable={item.index === activeIndex} onFocusRow={onFocusRow} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
});

/**
 * The scroll box's size, or the window's while the box reports none (before layout, or in a DOM
 * without layout such as jsdom): a screenful of rows renders instead of none.
 */
function observeRectOrWindow(instance: Virtualizer<HTMLDivElement, HTMLDivElement>, callback: (rect: Rect) => void): (() => void) | undefined {
  return observeElementRect(instance, (rect) => {
    callback(rect.height > 0 ? rect : { width: rect.width, height: window.innerHeight });
  });
}

/** A rendered row's height, or the estimate when it reports none (not laid out). */
function measureOrEstimate(element: HTMLDivElement, entry: ResizeObserverEntry | undefined, instance: Virtualizer<HTMLDivElement, HTMLDivElement>): number {
  const size = measureElement(element, entry, instance);
  return size > 0 ? size : ROW_ESTIMATE_PX;
}
