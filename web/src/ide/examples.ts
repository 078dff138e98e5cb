/** The IDE's example operations, one tab each: what an analyst tries first. */
export const EXAMPLES: readonly { readonly query: string; readonly variables?: string }[] = [
  {
    query: `# One conversation, newest first, paging from the hot store into the cold store:
# run it, then pass the endCursor as $after to read on into older (COLD) messages.
query ConversationAcrossTiers($after: String) {
  user(username: "demo") {
    conversations(first: 1) {
      edges {
        node {
          title
          messages(first: 50, after: $after) {
            totalCount
            pageInfo { hasNextPage endCursor }
            edges { node { databaseId createdAt tier archivedAt content } }
          }
        }
      }
    }
  }
}
`,
    variables: '{ "after": null }',
  },
  {
    query: `# Monthly candles over both stores (Stock.candles, in the contract).
query Candles {
  stocks(first: 1) {
    edges {
      node {
        symbol
        candles(interval: MONTH) { period open high low close volume tradingDays }
      }
    }
  }
}
`,
  },
  {
    query: `# Analysts and admins: the archive watermark and the last runs with their counts.
query ArchiveStatus {
  archiveStatus { watermark oldestHotRecordAt lastRun { status finishedAt } }
  archivalRuns(first: 5) {
    edges { node { kind status startedAt finishedAt messages posts comments likes stockPrices } }
  }
}
`,
  },
  {
    query: `# Live chat over graphql-ws: run it, then send a message to this conversation (from the web
# app or sendMessage); it shows here as it is sent. Pass a message cursor as $after to replay
# everything newer first.
subscription LiveMessages($conversationId: ID!, $after: String) {
  messageAdded(conversationId: $conversationId, after: $after) {
    cursor
    node { databaseId createdAt tier content sender { username } }
  }
}
`,
    variables: '{ "conversationId": "Q29udmVyc2F0aW9uOjE", "after": null }',
  },
];
