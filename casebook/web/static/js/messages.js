// The words a page script shows, in the page's language: the template renders them, translated
// on the server, as data-* attributes of a hidden element with id "messages" (data-too-many
// becomes the key "tooMany"). A partial template that brings a script of its own into a page
// renders its messages in an element with class "messages"; a key is looked up in each such
// element in turn, when it is needed (a page may replace part of itself). Placeholders are
// written {name}.

const SOURCES = "#messages, .messages";

function lookup(key) {
  for (const source of document.querySelectorAll(SOURCES)) {
    const text = source.dataset[key];
    if (text !== undefined) return text;
  }
  return undefined;
}

/** The message `key`, with each {name} replaced by values[name]. */
export function t(key, values = {}) {
  const text = lookup(key);
  if (text === undefined) {
    console.error(`Casebook: the page lacks the message "${key}"`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** A value the page passes to its script in the same element (data-next, data-incident-id). */
export function pageValue(key) {
  return lookup(key) ?? null;
}
