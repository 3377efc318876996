/** A page's heading and document title; focus moves to the heading when the page changes, for screen readers. */
import { makeStyles, tokens } from '@fluentui/react-components';
import { type ReactNode, useEffect, useRef } from 'react';

let firstPage = true;

const useStyles = makeStyles({
  heading: {
    margin: `0 0 ${tokens.spacingVerticalM}`,
    fontSize: tokens.fontSizeBase600,
    lineHeight: tokens.lineHeightBase600,
    fontWeight: tokens.fontWeightSemibold,
    overflowWrap: 'anywhere',
    ':focus': { outline: 'none' },
  },
});

export function PageHeading({ title, children }: { title: string; children?: ReactNode }) {
  const styles = useStyles();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Partner Referrals`;
  }, [title]);
  useEffect(() => {
    // Not on the first page of a visit: the browser already starts at the top of the document there.
    if (!firstPage && document.activeElement === document.body) ref.current?.focus();
    firstPage = false;
  }, []);
  return (
    <h1 className={styles.heading} tabIndex={-1} ref={ref}>
      {children ?? title}
    </h1>
  );
}
