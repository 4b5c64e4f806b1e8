import { Badge, createTheme, NavLink, type CSSVariablesResolver } from '@mantine/core';

/** Indigo with enough contrast in both schemes (WCAG AA for text on the primary colour). */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  components: {
    // The active page as white on the primary colour: the light tint fails AA for its label.
    NavLink: NavLink.extend({ defaultProps: { variant: 'filled' } }),
    // A status or type chip is a word to read: a narrow table column must not cut it to "AC…".
    Badge: Badge.extend({ styles: { root: { minWidth: 'max-content' } } }),
  },
});

/**
 * Mantine's default "dimmed" grey is below WCAG AA (4.5:1) for small text on white: one shade
 * darker in the light scheme, one lighter in the dark one.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' },
});
