// A list that renders only the rows in and near the viewport: the rows above and below the window
// are spacer elements of their estimated height. Rows may differ in height: each rendered row is
// measured (and measured again when it changes size), the others are estimated from the average
// measured so far. The reading position is kept when rows are added or re-measured above it (an
// anchor row and its distance from the top of the view), and a list told to stick to its end
// stays there when rows are added at the end (docs/web-client.md, "Long lists").

import { Fragment, type ComponentChildren, type JSX, type VNode } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState, type MutableRef } from 'preact/hooks';
import './window-list.css';

export type RowKey = string | number;

export interface WindowListProps<T> {
  items: readonly T[];
  keyOf: (item: T) => RowKey;
  /** One row: exactly one element (an `li`); the list gives it its key. */
  row: (item: T) => VNode;
  /** The height a row is assumed to have before any row was measured, in pixels. */
  estimate: number;
  as?: 'ol' | 'ul';
  /** `self`: the list scrolls itself (it has `overflow-y: auto`); `parent`: its parent element scrolls it. */
  scroller?: 'self' | 'parent';
  /**
   * true (the default): the reading place is a row, kept in view when rows are added or
   * re-measured above it (a history paged backward). false: it is the scroll offset, for a list
   * whose rows move (the conversation list, newest first), where following a row that moved to
   * the top would jump the view.
   */
  anchored?: boolean;
  /** Elements before the rows (a "load earlier" row), rendered as they are. */
  head?: ComponentChildren;
  /**
   * Whether the view is at the end of the list: kept up to date from scrolling, and while true the
   * list stays at its end when rows are added or grow. The owner may set it to bring the end into
   * view at the next render.
   */
  stick?: MutableRef<boolean>;
  /** Called after each scroll of the list's scroller, with the scroller. */
  onScroll?: (scroller: HTMLElement) => void;
  class?: string;
  role?: JSX.AriaRole;
  'aria-label'?: string;
  'aria-live'?: 'off' | 'polite' | 'assertive';
}

/** Within this many pixels of the end the view counts as at the end. */
const END_SLACK = 40;

interface Anchor {
  key: RowKey;
  /** The row's top minus the view's top, in pixels. */
  offset: number;
}

interface Layout {
  items: readonly unknown[];
  version: number;
  /** offsets[i]: the top of row i from the top of the first row; offsets[n]: the rows' total height. */
  offsets: Float64Array;
  index: Map<RowKey, number>;
}

/** The last row whose top is at or above `y` (0 when none). */
function rowAt(offsets: Float64Array, y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) {
    return 0;
  }
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

export function WindowList<T>(props: WindowListProps<T>) {
  const { items, keyOf, estimate } = props;
  const self = (props.scroller ?? 'self') === 'self';
  const listRef = useRef<HTMLOListElement & HTMLUListElement>(null);
  const topRef = useRef<HTMLLIElement>(null);
  const bottomRef = useRef<HTMLLIElement>(null);
  const heights = useRef(new Map<RowKey, number>());
  const measured = useRef({ sum: 0, count: 0, version: 0 });
  const layoutRef = useRef<Layout | null>(null);
  const anchor = useRef<Anchor | null>(null);
  const rendered = useRef({ start: 0, end: -1, keys: [] as RowKey[] });
  const viewHeight = useRef(0);
  const viewTopRef = useRef(0);
  const anchored = props.anchored ?? true;
  const latest = useRef(props);
  latest.current = props;
  const [, setTick] = useState(0);
  const rerender = () => setTick((t) => t + 1);

  /** The offsets of the rows as now known, computed again only when the rows or a measurement changed. */
  const layout = (): Layout => {
    const list = latest.current.items;
    const version = measured.current.version;
    const known = layoutRef.current;
    if (known && known.items === list && known.version === version) {
      return known;
    }
    const average = measured.current.count > 0 ? measured.current.sum / measured.current.count : estimate;
    const offsets = new Float64Array(list.length + 1);
    const index = new Map<RowKey, number>();
    for (let i = 0; i < list.length; i++) {
      const key = latest.current.keyOf(list[i]!);
      index.set(key, i);
      offsets[i + 1] = offsets[i]! + (heights.current.get(key) ?? average);
    }
    const computed = { items: list, version, offsets, index };
    layoutRef.current = computed;
    return computed;
  };

  const scroller = (): HTMLElement | null => {
    const list = listRef.current;
    return list ? (self ? list : list.parentElement) : null;
  };

  /** Where the first row's top is in the scroller's content, in pixels. */
  const base = (s: HTMLElement): number => {
    const top = topRef.current;
    return top ? top.getBoundingClientRect().top - s.getBoundingClientRect().top - s.clientTop + s.scrollTop : 0;
  };

  /** The rows to render around a view whose top is `viewTop` (row coordinates). */
  const span = (offsets: Float64Array, viewTop: number, height: number, margin: number) => ({
    start: rowAt(offsets, viewTop - margin),
    end: Math.min(offsets.length - 2, rowAt(offsets, viewTop + height + margin)),
  });

  /** The anchor: the row at the top of the view and how far its top is from the view's top. */
  const takeAnchor = (s: HTMLElement) => {
    const { offsets } = layout();
    const list = latest.current.items;
    if (list.length === 0) {
      anchor.current = null;
      return;
    }
    const viewTop = s.scrollTop - base(s);
    viewTopRef.current = viewTop;
    const i = rowAt(offsets, viewTop);
    anchor.current = { key: latest.current.keyOf(list[i]!), offset: offsets[i]! - viewTop };
  };

  /** Renders again when the view (with half the margin) reaches past the rows rendered. */
  const ensureCovered = (s: HTMLElement) => {
    const { offsets } = layout();
    const n = offsets.length - 1;
    const height = s.clientHeight;
    const need = span(offsets, s.scrollTop - base(s), height, height / 2);
    const { start, end } = rendered.current;
    if (n > 0 && (need.start < start || need.end > end)) {
      rerender();
    }
  };

  /** The spacers' heights: the rows above the window and the rows below it, as far as known. */
  const sizeSpacers = (top: HTMLElement, bottom: HTMLElement) => {
    const { offsets } = layout();
    const n = offsets.length - 1;
    const { start, end } = rendered.current;
    top.style.height = `${n > 0 ? offsets[start]! : 0}px`;
    bottom.style.height = `${n > 0 ? offsets[n]! - offsets[Math.min(end + 1, n)]! : 0}px`;
  };

  /**
   * Measures the rendered rows, sizes the spacers from the offsets and puts the view back: at the
   * end when sticking, else with the anchor row where it was. `restore` is false when only sizes
   * may have changed (a resize), so a view that nothing moved is left alone.
   */
  const settle = (restore: boolean) => {
    const s = scroller();
    const top = topRef.current;
    const bottom = bottomRef.current;
    if (!s || !top || !bottom) {
      return;
    }
    // The spacers first, before anything reads the layout: with the rows of a new window and the
    // spacers of the old one the content could be shorter for a moment, and the browser would
    // pull the scroll position up to fit it.
    sizeSpacers(top, bottom);
    viewHeight.current = s.clientHeight;
    const { keys } = rendered.current;
    let changed = false;
    let row = top.nextElementSibling;
    for (let i = 0; i < keys.length && row && row !== bottom; i++) {
      const next = row.nextElementSibling;
      if (!next) {
        break;
      }
      const height = next.getBoundingClientRect().top - row.getBoundingClientRect().top;
      const before = heights.current.get(keys[i]!);
      if (before === undefined || Math.abs(before - height) > 0.5) {
        const m = measured.current;
        if (before === undefined) {
          m.count++;
          m.sum += height;
        } else {
          m.sum += height - before;
        }
        heights.current.set(keys[i]!, height);
        changed = true;
      }
      row = next;
    }
    if (changed) {
      measured.current.version++;
      sizeSpacers(top, bottom);
    }
    const { offsets, index } = layout();

    if (latest.current.stick?.current) {
      s.scrollTop = s.scrollHeight;
    } else if ((restore || changed) && anchored && anchor.current) {
      const i = index.get(anchor.current.key);
      if (i !== undefined) {
        const want = base(s) + offsets[i]! - anchor.current.offset;
        if (Math.abs(s.scrollTop - want) >= 1) {
          s.scrollTop = want;
        }
      }
    }
    if (!latest.current.stick?.current) {
      takeAnchor(s);
    }
    ensureCovered(s);
  };

  // Which rows to render: around the anchor (or the end when sticking), with a margin of one view
  // above and below so that scrolling a little needs no new render.
  const { offsets, index } = layout();
  const n = items.length;
  const height = viewHeight.current || window.innerHeight;
  let viewTop = viewTopRef.current;
  if (props.stick?.current) {
    viewTop = offsets[n]! - height;
  } else if (anchored && anchor.current) {
    const i = index.get(anchor.current.key);
    viewTop = i !== undefined ? offsets[i]! - anchor.current.offset : viewTop;
  }
  const { start, end } = n > 0 ? span(offsets, viewTop, height, height) : { start: 0, end: -1 };
  const slice = items.slice(start, end + 1);
  rendered.current = { start, end, keys: slice.map(keyOf) };

  useLayoutEffect(() => settle(true));

  // The scroller's own events (a parent scroller is not this component's element), and sizes:
  // a row that grows (an image loaded, an edit) or a view that changes height.
  useEffect(() => {
    const s = scroller();
    if (!s) {
      return;
    }
    s.style.overflowAnchor = 'none';
    const onScroll = () => {
      const p = latest.current;
      if (p.stick) {
        p.stick.current = s.scrollHeight - s.scrollTop - s.clientHeight < END_SLACK;
      }
      takeAnchor(s);
      ensureCovered(s);
      p.onScroll?.(s);
    };
    s.addEventListener('scroll', onScroll, { passive: true });
    return () => s.removeEventListener('scroll', onScroll);
  }, []);

  const observer = useRef<ResizeObserver | null>(null);
  useEffect(() => {
    observer.current = new ResizeObserver(() => settle(false));
    return () => observer.current?.disconnect();
  }, []);
  useEffect(() => {
    const o = observer.current;
    const s = scroller();
    const top = topRef.current;
    if (!o || !s || !top) {
      return;
    }
    o.disconnect();
    o.observe(s);
    for (let row = top.nextElementSibling; row && row !== bottomRef.current; row = row.nextElementSibling) {
      o.observe(row);
    }
  });

  const Tag = props.as ?? 'ul';
  return (
    <Tag ref={listRef} class={props.class} role={props.role} aria-label={props['aria-label']} aria-live={props['aria-live']}>
      {props.head}
      <li key="window-top" ref={topRef} class="window-spacer" aria-hidden="true" />
      {slice.map((item) => (
        <Fragment key={keyOf(item)}>{props.row(item)}</Fragment>
      ))}
      <li key="window-bottom" ref={bottomRef} class="window-spacer" aria-hidden="true" />
    </Tag>
  );
}
