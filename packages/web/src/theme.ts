import { createTheme } from '@mantine/core';

/** Indigo with enough contrast in both schemes (WCAG AA for text on the primary colour). */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 4 },
  defaultRadius: 'md',
});
