/**
 * The wiring of a node of a hot-standby pair (`ha` in gaswatch.yaml, SPEC §10, docs/ha.md): the
 * watch on the partition's status and the mirror of its records (src/ha/), the controller that
 * starts a fresh active set (term.ts) for each term the node holds, and the standby set it runs in
 * between — the other node's events into this node's journal, and this node's own notifications
 * still waiting from before it stood by. Part of the composition root: it decides nothing itself.
 */
import { BookStore } from './alarms/book-store.js';
import type { HaConfig } from './config/schema.js';
import { SYSTEM_SITE } from './domain/ports.js';
import { type ActiveSet, HaController } from './ha/controller.js';
import { haMetrics } from './ha/metrics.js';
import { Mirror } from './ha/mirror.js';
import { standbyAlarms, standbyHazards, standbyReason } from './ha/standby-view.js';
import { HaWatch } from './ha/watch.js';
import { translator } from './i18n/index.js';
import { ABSENT_NOTIFY } from './notify/notifier.js';
import { Outbox } from './notify/outbox.js';
import { ChannelQueues } from './notify/queues.js';
import { buildTerm, type Part, type Term, type TermContext } from './term.js';
import type { Component } from './util/lifecycle.js';

/** A node of a pair, as tests and the console see it. */
export interface HaView {
  node: string;
  role: string;
  term: number;
  active: { node: string; term: number; online: boolean } | null;
  /** The other nodes of the pair and their roles (their presence): a missing standby shows here. */
  peers: Record<string, string>;
  lastTakeoverMs: number | undefined;
}

type PairSet = ActiveSet & { term: Term };

export interface Pair {
  /** The component that runs the pair's side of this node. */
  part: Part;
  /** The active set of the term in force, while this node is active. */
  active(): Term | undefined;
  /** Parts of the active set in force, for a reload. */
  parts(): Part[];
  view(): HaView;
  /** What `/readyz` adds for a node of a pair. */
  readiness(reasons: string[]): {
    role: 'active' | 'standby';
    node: string;
    term: number;
    watching: boolean;
    active: HaView['active'];
    peers: HaView['peers'];
  };
  connected(): boolean;
  /** The console of a standby: the partition's records as the broker has them, read-only. */
  alarms: ReturnType<typeof standbyAlarms>;
  hazards: ReturnType<typeof standbyHazards>;
}

export function composePair(pair: HaConfig, term: TermContext, version: string): Pair {
  const { clock, logger: log, stateDir, metrics } = term;
  const config = term.config;
  const main = config().main;
  const prefix = main.mqtt.prefix;
  const instance = main.mqtt.instance;
  const partitioned = main.mqtt.subscribe === 'sites';
  // gaswatch's own alarms: only a node holding every site takes them over from the retained records.
  const owns = (site: string) => config().sites.has(site) || (site === SYSTEM_SITE && !partitioned);
  const mirror = new Mirror(prefix, owns);
  let watch: HaWatch | undefined;

  const controller: HaController<PairSet> = new HaController<PairSet>({
    node: pair.node,
    takeoverAfter: pair.takeoverAfter,
    version,
    stateDir,
    clock,
    logger: log.child({ module: 'ha' }),
    mirror,
    watch: () => watch as HaWatch,
    buildActive: (link) => {
      const t = buildTerm({
        ...term,
        ha: {
          ...link,
          node: pair.node,
          takeoverAfter: pair.takeoverAfter,
          alarmRecords: () => mirror.alarmRecords(),
          hazardRecords: () => mirror.hazardRecords(),
          takeEvents: () => mirror.takeEvents(),
          owns,
        },
      });
      return {
        term: t,
        parts: [...t.core, ...t.io],
        assertStatus: () => t.assertStatus(),
        tookOver: (from, n) => {
          const message = translator(config().main.locale)('message.haTakeover', {
            node: pair.node,
            from: from.node,
            term: n,
          });
          // Raised and cleared at once: it stays on the console until an operator acknowledges it.
          for (const on of [true, false]) t.engine.systemAlarms().set('failover', on, 'high', message);
        },
        close: () => t.close(),
      };
    },
    buildStandby: () => standbySet(term, mirror),
    onRole: (role, n) => stats.role(role, n),
  });
  const stats = haMetrics(metrics.registry, controller);
  watch = new HaWatch({
    url: main.mqtt.url,
    clientId: main.mqtt.clientId,
    node: pair.node,
    username: main.mqtt.username,
    password: main.mqtt.password,
    protocolVersion: main.mqtt.protocolVersion,
    tls: config().tls.mqtt,
    prefix,
    statusTopic: instance ? `${prefix}/status/${instance}` : `${prefix}/status`,
    haTopic: instance ? `${prefix}/ha/${instance}` : `${prefix}/ha`,
    mirror,
    logger: log.child({ module: 'ha' }),
    ...controller.watchCallbacks(),
    presence: () => ({ role: controller.role, term: controller.term, since: term.since, version }),
  });
  const w = watch;

  return {
    part: {
      name: 'ha',
      needs: ['state-lock', 'store', 'http'],
      start: () => controller.start(),
      stop: () => controller.stop(),
    },
    active: () => controller.current()?.term,
    parts: () => controller.current()?.parts ?? [],
    view: () => ({
      node: pair.node,
      role: controller.role,
      term: controller.term,
      active: controller.activeNode,
      peers: controller.peerRoles,
      lastTakeoverMs: controller.lastTakeoverMs,
    }),
    readiness: (reasons) => {
      const role = controller.role;
      if (role !== 'active') reasons.push(standbyReason(role, controller.activeNode, pair.node, controller.watching));
      return {
        role: role === 'active' ? 'active' : 'standby',
        node: pair.node,
        term: controller.term,
        watching: controller.watching,
        active: controller.activeNode,
        peers: controller.peerRoles,
      };
    },
    connected: () => w.connected,
    alarms: standbyAlarms(mirror),
    hazards: standbyHazards(mirror),
  };
}

/** While standby: the other node's events into this node's journal, and this node's undelivered notifications. */
function standbySet(term: TermContext, mirror: Mirror): Component[] {
  const { clock, logger: log, stateDir, config } = term;
  const book = new BookStore({ dir: stateDir, logger: log.child({ module: 'book' }), clock });
  let timer: { cancel(): void } | undefined;
  const queues = new ChannelQueues(config().main.notify ?? ABSENT_NOTIFY, {
    clock,
    logger: log.child({ module: 'notify' }),
    // Nobody acknowledges on a standby: a failing channel is logged, and raised by the active node.
    systemAlarms: { set: () => undefined },
    counter: term.metrics.notifications,
    locale: () => config().main.locale,
    onDelivered: (n) =>
      log.info({ module: 'notify', alarm: n.alarm, to: n.to }, 'delivered a notification queued before standing by'),
    outbox: new Outbox(stateDir, log.child({ module: 'notify' })),
    sites: () => config().sites,
  });
  return [
    {
      name: 'standby-journal',
      start: async () => {
        // The book stays as this node left it; only the journal grows.
        const { entries } = await book.load();
        timer = clock.setInterval(() => {
          const events = mirror.takeEvents();
          if (events.length) void book.save(events, () => entries).catch(() => undefined);
        }, 1000);
      },
      stop: async () => {
        timer?.cancel();
        await book.flush().catch((err) => log.error({ err }, 'alarm journal flush failed'));
      },
    },
    { name: 'standby-outbox', start: () => queues.start(), stop: () => queues.stop() },
  ];
}
