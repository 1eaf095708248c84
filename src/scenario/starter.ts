/**
 * The scenario `replikit new` writes: it passes `check`, and its comments teach the language.
 * `schema` is where its modeline points: the schema file that ships with replikit, as a path
 * relative to the new file (so YAML editors find it and give hover help).
 */
export function starterScenario(id: string, schema = "scenario.schema.json"): string {
  return `# yaml-language-server: $schema=${schema}
# A replikit scenario. Run "replikit check ${id}.yaml" after each change, and
# "replikit build ${id}.yaml" to print the kit. "replikit schema" prints every key.

id: ${id}                      # lower-case letters, digits and "-": also the kit's folder name
title: My first interactive
summary: >-
  A primary streams cards to a standby; the network breaks and comes back.
minutes: 10
goals:                         # what the room should take away, one line each
  - A standby receives every card in order, even after a network break.

# Who is on stage. kind is one of: primary, standby, writer, reader, application,
# proxy, basebackup, admin. A standby "starts: empty" when it must be cloned first.
roles:
  - id: primary
    label: Primary             # printed huge on the role card: keep it short
    kind: primary
    brief: You take every write and pass each card to the standby.
  - id: standby
    label: Standby
    kind: standby
    brief: You keep a copy of every card, in order.
    # settings:                # a server's own settings
    #   recovery_min_apply_delay: 300   # replay each card 5 minutes after its commit
    #   slot: true                      # a replication slot on its upstream keeps the WAL it still needs
    #   hot_standby_feedback: true      # VACUUM on the primary keeps rows this standby's queries need
  - id: writer
    label: Writer
    kind: writer
    brief: You hand new cards to the primary.
    # settings:                # a client's own: SET in its session before each write
    #   synchronous_commit: local       # this writer never waits for a standby's ack

# settings:                    # optional, per scenario or per run
#   synchronous_standby_names: [standby]   # then each commit waits for its ack: write one card a step
#   # or PostgreSQL's text: "ANY 2 (s1, s2, s3)" (any two acks), "FIRST 2 (s1, s2, s3)", "*";
#   # claim a standby's state with  - { server: s1, sync_state: quorum }  (sync, potential, quorum, async)
#   archive: true
#   max_slot_wal_keep_size: 2   # a slot may hold back 2 cards; at a checkpoint one holding more is lost
#   # claim a slot's state with  - { slot: standby, on: primary, active: false, wal_status: lost }
#   # (reserved, unreserved: past the cap, lost: invalidated; exists: false once dropped)
#   wal_log_hints: true        # pg_rewind needs it (or data_checksums: true, initdb --data-checksums)

# Actions: write, delete, update, read, release, cancel, vacuum, clone, rewind, start, stop, crash,
# promote, follow, failover, checkpoint, cut, heal, wait, pause and resume (replay on a
# standby), create_slot and drop_slot ({ on: primary, slot: standby }: a standby's slot,
# or a slot name). delete takes given cards away:  - delete: { by: writer, cards: [2], to: primary }
# (a DELETE card in the WAL: each server loses card 2 when it replays it). Claim it with
#   - { server: standby, deleted: [2] }   (lacks: [2] also holds for a card that never arrived)
# update gives a card a new number:  - update: { by: writer, card: 1, to: primary }
# (a new card replaces card 1 in each row when that server replays it).
# rewind: after a failover, bring the old primary back without a full copy:
#   - rewind: { from: new-primary, to: old-primary }   # pg_rewind -R: it must be stopped,
#     # it loses what it wrote past the fork, and it needs wal_log_hints or data_checksums
# Each step: what you say, and what the volunteers do. Never write what happens as a
# result: replikit works that out. Claims under "expect" are checked against it.
steps:
  - title: Cards stream across
    say: Writer, two cards to the primary. Primary, pass each one to the standby.
    actions:
      - write: { by: writer, to: primary, count: 2 }
    why: Streaming sends each change as soon as it is committed.
    expect:
      - { server: standby, cards: [1, 2], streaming: true }
  - title: The network breaks
    say: Cut the link between the servers. Writer, one more card.
    actions:
      - cut: [primary, standby]
      - write: { by: writer, to: primary }
    expect:
      - { server: standby, lacks: [3] }
  - title: The network comes back
    say: The link is repaired. Standby, ask for what you missed.
    actions:
      - heal: [primary, standby]
    expect:
      - { streamed: [3], to: standby, from: primary }

debrief:
  - question: Who opened the replication connection?
    answer: The standby. Its walreceiver connects to the primary, which starts a walsender.
`;
}
