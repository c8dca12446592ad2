import { Extension, getMarkRange, Mark, mergeAttributes, type Range } from '@tiptap/core'
import { Plugin, TextSelection } from '@tiptap/pm/state'
import Suggestion from '@tiptap/suggestion'
import { searchTextModules, type TextModule } from './api.ts'

/**
 * A value a text module could not fill in ("[Kundenname fehlt]"), highlighted. A click selects the
 * whole mark so typing replaces it; the text a person types is never part of it.
 */
export const MissingValue = Mark.create({
  name: 'missingValue',
  inclusive: false,
  addAttributes() {
    return {
      variable: {
        default: null,
        parseHTML: (el) => el.getAttribute('data-missing'),
        renderHTML: (attrs) => ({ 'data-missing': attrs.variable }),
      },
    }
  },
  parseHTML() {
    return [{ tag: 'mark[data-missing]' }]
  },
  renderHTML({ HTMLAttributes }) {
    return ['mark', mergeAttributes(HTMLAttributes, { class: 'missing-value' }), 0]
  },
  addProseMirrorPlugins() {
    const type = this.type
    return [
      new Plugin({
        props: {
          handleClick(view, pos) {
            const range = getMarkRange(view.state.doc.resolve(pos), type)
            if (!range) return false
            view.dispatch(
              view.state.tr.setSelection(TextSelection.create(view.state.doc, range.from, range.to)),
            )
            return true
          },
        },
      }),
    ]
  },
})

/** The marks a reply must not go out with (the server refuses them too). */
export const MISSING_MARK = /\[[^\][\n]{1,80} (fehlt|missing)\]/

/** What the suggestion list shows while `::` and a few letters are typed. */
export type SuggestionView = {
  items: TextModule[]
  rect: DOMRect | null
  choose: (item: TextModule) => void
}

export type SuggestionBridge = {
  show: (view: SuggestionView | null) => void
  keyDown: (event: KeyboardEvent) => boolean
  insert: (item: TextModule, range: Range) => void
}

/** `::` and a few letters open the list of text modules whose shortcut or title match. */
export const textModuleSuggestion = (bridge: { current: SuggestionBridge }) =>
  Extension.create({
    name: 'textModuleSuggestion',
    addProseMirrorPlugins() {
      return [
        Suggestion<TextModule, TextModule>({
          editor: this.editor,
          char: '::',
          debounce: 120,
          items: async ({ query, signal }) => {
            try {
              return await searchTextModules(query, signal)
            } catch (err) {
              if ((err as Error).name === 'AbortError') return []
              throw err
            }
          },
          command: ({ range, props }) => bridge.current.insert(props, range),
          render: () => {
            const show = (p: {
              items: TextModule[]
              clientRect?: (() => DOMRect | null) | null
              command: (m: TextModule) => void
            }) => bridge.current.show({ items: p.items, rect: p.clientRect?.() ?? null, choose: p.command })
            return {
              onStart: show,
              onUpdate: show,
              onExit: () => bridge.current.show(null),
              onKeyDown: ({ event }) => bridge.current.keyDown(event),
            }
          },
        }),
      ]
    },
  })
