/** The lines every small test scenario starts with: an id, a title, a summary, a goal and its minutes. */
export const HEAD = `id: d
title: d
summary: d
goals: [d]
minutes: 5
`;
