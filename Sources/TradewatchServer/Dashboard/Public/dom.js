// Small DOM helpers: build elements without innerHTML, so data from the server is never parsed
// as markup.

/** Creates an element: h('td', {class: 'num'}, '12.5'); children may be strings, nodes or null. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** The element with this id, or an error naming it (a broken page should say what is missing). */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no element #${id}`);
  return element;
}

/** Sets an element's text only when it changed (keeps layout work down at 10 updates/s). */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/** Calls fn at most once per animation frame, with the latest arguments. */
export function perFrame(fn) {
  let scheduled = false;
  let latest = [];
  return (...args) => {
    latest = args;
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      fn(...latest);
    });
  };
}

/**
 * Calls fn at most every `ms` milliseconds (trailing call kept), on a page-wide grid of `ms`
 * steps: every list, legend and chart throttled to 250 ms updates at the same moments, so the
 * browser renders (and composites) one frame for all of them instead of one for each.
 */
export function throttle(fn, ms) {
  let timer = null;
  let last = -Infinity;
  return () => {
    if (timer) return;
    const now = performance.now();
    const due = Math.ceil(Math.max(now, last + ms) / ms) * ms;
    timer = setTimeout(() => {
      timer = null;
      last = due;
      fn();
    }, due - now);
  };
}

/** Remembered UI choices (metric picked, window, theme), per browser. */
export const preferences = {
  get(name, fallback) {
    try {
      return localStorage.getItem(`tradewatch.${name}`) ?? fallback;
    } catch {
      return fallback;
    }
  },
  set(name, value) {
    try {
      localStorage.setItem(`tradewatch.${name}`, value);
    } catch {
      // Storage may be disabled (private mode); the choice just is not remembered.
    }
  },
};

/**
 * Shows `items` (newest first) in `list`, reusing the elements already there: when the new
 * list is the old one with items added in front (and maybe cut at the end), only those are
 * inserted and the overflow removed, so a live list does not lay out every row each time.
 * `elements` maps keys to elements shown now; returns the map for the new list.
 */
export function showNewestFirst(list, items, keyOf, create, elements) {
  const keys = items.map(keyOf);
  const old = [...elements.keys()];
  const added = old.length ? keys.indexOf(old[0]) : -1;
  let prefix = added >= 0;
  for (let i = added; prefix && i < keys.length; i += 1) prefix = keys[i] === old[i - added];
  const next = new Map();
  items.forEach((item, index) => next.set(keys[index], elements.get(keys[index]) || create(item)));
  if (prefix) {
    const fresh = document.createDocumentFragment();
    for (let i = 0; i < added; i += 1) fresh.append(next.get(keys[i]));
    list.prepend(fresh);
    while (list.children.length > items.length) list.lastElementChild.remove();
  } else {
    list.replaceChildren(...next.values());
  }
  return next;
}
