/** "Met 3 people through Friender" (never who); nothing before the first confirmed meeting. */
export function MetCount({ count }: { count?: number }) {
  if (!count) return null;
  return (
    <p className="met-count">
      Met {count} {count === 1 ? 'person' : 'people'} through Friender
    </p>
  );
}
