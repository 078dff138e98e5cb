/** The feed: posts newest first across both stores, each with its first comments. */
import { useQuery } from '@apollo/client/react';
import { FEED } from './queries';

export function Feed() {
  const { data, error, fetchMore, loading } = useQuery(FEED, { variables: { first: 10 } });
  if (error) return <p className="error">{error.message}</p>;
  if (!data) return <p>Loading the feed…</p>;
  const { edges, pageInfo } = data.posts;
  return (
    <section className="feed" data-testid="feed">
      {edges.map(({ node: post }) => (
        <article key={post.id} className="post" data-testid="post">
          <header>
            <h3>{post.title}</h3>
            <span className={`tier tier-${post.tier.toLowerCase()}`}>{post.tier}</span>
          </header>
          <p className="byline">
            {post.author.displayName} · {new Date(post.createdAt).toLocaleDateString()} · {post.likeCount} likes ·{' '}
            {post.commentCount} comments
          </p>
          <p>{post.body}</p>
          <ul className="comments">
            {post.comments.edges.map(({ node: comment }) => (
              <li key={comment.id} data-testid="comment">
                <strong>{comment.author.displayName}</strong> {comment.body}{' '}
                <span className={`tier tier-${comment.tier.toLowerCase()}`}>{comment.tier}</span>
              </li>
            ))}
            {post.commentCount > post.comments.edges.length && (
              <li className="hint">and {post.commentCount - post.comments.edges.length} more</li>
            )}
          </ul>
        </article>
      ))}
      {pageInfo.hasNextPage && (
        <button
          type="button"
          disabled={loading}
          onClick={() => void fetchMore({ variables: { after: pageInfo.endCursor } })}
        >
          Older posts
        </button>
      )}
    </section>
  );
}
