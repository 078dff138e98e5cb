/**
 * The two nested pages of issue 13, as the web client asks them (scenarios 6 and 7 of
 * `npm run bench`, and `npm run bench:nested`): the feed (the 20 newest posts, each with its
 * author, its like and comment counts and its first 3 comments with their authors) and the
 * chat sidebar (the viewer's 20 newest conversations, each with its participants and newest
 * message with its sender). The sidebar needs a user's token (its viewer).
 *
 * The PostGraphile equivalents ask its single store for the same data, aliased to the
 * gateway's field names so both answers check and compare the same way (bench/checks.ts):
 * the feed through allPosts with both counts as totalCount; the sidebar through
 * `userByRowId(rowId: <viewer>)` and the `users_conversations` computed column (the
 * viewer's conversations newest first, bench/dataset/single-store.ts), since PostGraphile
 * has no viewer without RLS. Orders match the gateway's: posts created_at DESC, id DESC;
 * comments created_at, id; participants joined_at, user_id; messages created_at DESC, id DESC.
 */
export const FEED_POSTS = 20;
export const FEED_COMMENTS = 3;
export const SIDEBAR_CONVERSATIONS = 20;

export const FEED_QUERY =
  'query Feed { posts(first: 20) { edges { node { title author { displayName } likeCount commentCount comments(first: 3) { edges { node { body author { displayName } } } } } } } }';
export const SIDEBAR_QUERY =
  'query Sidebar { viewer { conversations(first: 20) { edges { node { title participants { displayName } messages(first: 1) { edges { node { content createdAt sender { displayName } } } } } } } } }';

export const PGL_FEED_QUERY =
  'query Feed { posts: allPosts(first: 20, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { edges { node { title ' +
  'author: userByAuthorId { displayName } likeCount: postLikesByPostId { totalCount } commentCount: commentsByPostId { totalCount } ' +
  'comments: commentsByPostId(first: 3, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { edges { node { body author: userByAuthorId { displayName } } } } } } } }';

export const pglSidebarQuery = (viewer: number): string =>
  `query Sidebar { viewer: userByRowId(rowId: ${Math.trunc(viewer)}) { conversations(first: 20) { edges { node { title ` +
  'participants: conversationParticipantsByConversationId(orderBy: [JOINED_AT_ASC, USER_ID_ASC]) { nodes { userByUserId { displayName } } } ' +
  'messages: messagesByConversationId(first: 1, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { edges { node { content createdAt sender: userBySenderId { displayName } } } } } } } } }';
