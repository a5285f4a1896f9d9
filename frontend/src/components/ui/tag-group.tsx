/**
 * One titled list of a person's tags (hobbies or interests), the ones they share with the viewer
 * marked, as the discover card and the match's profile sheet show them.
 */
export function TagGroup({ title, tags, shared }: { title: string; tags: string[]; shared: readonly string[] }) {
  if (tags.length === 0) return null;
  // The server matches tags case-insensitively; so does the marking.
  const sharedKeys = new Set(shared.map((tag) => tag.toLowerCase()));
  return (
    <div className="card-tags">
      <h3 className="card-tags-title">{title}</h3>
      <ul className="tag-list">
        {tags.map((tag) => {
          const isShared = sharedKeys.has(tag.toLowerCase());
          return (
            <li key={tag} className={`tag${isShared ? ' tag-shared' : ''}`}>
              {isShared && <span className="visually-hidden">Shared: </span>}
              <bdi>{tag}</bdi>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
