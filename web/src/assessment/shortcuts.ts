// Keyboard shortcuts of the answering workspace. They act only when the focus is not in a text field,
// so typing a comment or a reason never answers an item by accident.

export type ShortcutAction =
  | { kind: 'next' }
  | { kind: 'previous' }
  | { kind: 'nextSection' }
  | { kind: 'previousSection' }
  | { kind: 'answer'; value: number }
  | { kind: 'notApplicable' }
  | { kind: 'comment' }
  | { kind: 'include' }
  | { kind: 'upload' }
  | { kind: 'help' }

/** The keys as documented in the help popover (i18n key of the description, keys shown). */
export const SHORTCUT_HELP: { keys: string[]; description: string }[] = [
  { keys: ['j', '↓'], description: 'shortcuts.next' },
  { keys: ['k', '↑'], description: 'shortcuts.previous' },
  { keys: [']'], description: 'shortcuts.nextSection' },
  { keys: ['['], description: 'shortcuts.previousSection' },
  { keys: ['0', '1', '2', '3'], description: 'shortcuts.answer' },
  { keys: ['n'], description: 'shortcuts.notApplicable' },
  { keys: ['c'], description: 'shortcuts.comment' },
  { keys: ['u'], description: 'shortcuts.upload' },
  { keys: ['i'], description: 'shortcuts.include' },
  { keys: ['Esc'], description: 'shortcuts.leaveField' },
  { keys: ['?'], description: 'shortcuts.help' },
]

const NON_TEXT_INPUTS = new Set(['radio', 'checkbox', 'button', 'submit', 'reset', 'file', 'range', 'color'])

/** True when a key press belongs to the field being typed in. */
export function isTypingTarget(target: HTMLElement | null): boolean {
  if (!target) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((target as HTMLInputElement).type)
  return target.getAttribute('role') === 'combobox' || target.getAttribute('role') === 'textbox'
}

/**
 * The action of a key, or null. On a radio the arrow keys keep their own meaning (move between
 * the options), so only j/k move between items there.
 */
export function shortcutFor(key: string, onRadio: boolean): ShortcutAction | null {
  if (/^[0-9]$/.test(key)) return { kind: 'answer', value: Number(key) }
  switch (key) {
    case 'j':
      return { kind: 'next' }
    case 'k':
      return { kind: 'previous' }
    case 'ArrowDown':
      return onRadio ? null : { kind: 'next' }
    case 'ArrowUp':
      return onRadio ? null : { kind: 'previous' }
    case ']':
      return { kind: 'nextSection' }
    case '[':
      return { kind: 'previousSection' }
    case 'n':
      return { kind: 'notApplicable' }
    case 'c':
      return { kind: 'comment' }
    case 'i':
      return { kind: 'include' }
    case 'u':
      return { kind: 'upload' }
    case '?':
      return { kind: 'help' }
    default:
      return null
  }
}
