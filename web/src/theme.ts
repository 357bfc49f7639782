import { createTheme, type MantineColorsTuple } from '@mantine/core'

// A sober navy, as Japanese financial institutions' own tools tend to be. Fonts: the system's
// Japanese UI fonts (no web fonts: the CSP allows only 'self', and they would be megabytes).
const kamae: MantineColorsTuple = [
  '#eaf1fa',
  '#d3e0f1',
  '#a5bfe2',
  '#749cd3',
  '#4c7fc6',
  '#336cbe',
  '#2562bb',
  '#1852a5',
  '#0f4994',
  '#003e84',
]

const sans = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  '"Hiragino Sans"',
  '"Hiragino Kaku Gothic ProN"',
  '"Noto Sans JP"',
  '"Noto Sans CJK JP"',
  '"Yu Gothic UI"',
  'Meiryo',
  'Roboto',
  'Helvetica',
  'Arial',
  'sans-serif',
].join(', ')

export const theme = createTheme({
  primaryColor: 'kamae',
  colors: { kamae },
  fontFamily: sans,
  headings: { fontFamily: sans, fontWeight: '700' },
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK JP", monospace',
  defaultRadius: 'sm',
  cursorType: 'pointer',
})
