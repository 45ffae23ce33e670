/**
 * The phases of a group, in the order a group lives them, and the few questions every concept asks of that
 * order. This module imports nothing, so any model (groups, meetings, reports...) can lean on it without
 * pulling in the phase transitions and what they check.
 */
export const PHASES = ['preparation', 'departure', 'stay', 'return', 'restitution', 'after'] as const;
export type Phase = (typeof PHASES)[number];

/** A phase's place in the order: the lower, the earlier. */
export const phaseRank = (phase: Phase): number => PHASES.indexOf(phase);

export const nextPhase = (phase: Phase): Phase | undefined => PHASES[phaseRank(phase) + 1];

/** The group has gone abroad: the stay or anything after. Before that it is still getting ready at home. */
export const hasLeft = (phase: Phase): boolean => phaseRank(phase) >= phaseRank('stay');

/** The group is back home: the return, the restitution and the after-project. */
export const hasReturned = (phase: Phase): boolean => phaseRank(phase) >= phaseRank('return');

/**
 * SQL: the rank of the phase held in `column`, the same number `phaseRank` gives. Phases are stored as
 * words, so comparing two of them in SQL goes through this. Built from the constant list, never from input:
 * `column` must be a column name written in the code.
 */
export const phaseRankSql = (column: string): string => `(case ${column} ${PHASES.map((p, i) => `when '${p}' then ${i}`).join(' ')} end)`;
