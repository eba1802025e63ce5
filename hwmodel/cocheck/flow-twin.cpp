// The SystemC twin of `dtls13 size`'s record-level model (hwmodel/sizing/workload/flow-model.ts), for the co-check
// of the model that answers a sizing question (hwmodel/cocheck/flow-twin.ts). Written in the process style: every
// unit is a set of server threads on an sc_fifo (first come, first served), every record and handshake a thread of
// its own passing through them, the intake a thread that dispatches the ring's head in order (head-of-line blocking
// on a pipeline slot, or on a place in the public-key queue), the TX ring's entries granted in arrival order. It
// shares no code with the TypeScript model; what it shares is the description: the arrivals (time, kind, mix
// entry, session) and the device's knobs and costs, read on stdin.
//
// The memory is one server whose bookings (a channel's derated burst time, at least a row activation's share of
// tFAW, the refresh stall) follow the platform's DRAM figures; PCIe (lookaside) one booking server a direction.
// Prints "<id> <finish ps>" per record finished (the end of its DMA out, or of its write-back in lookaside), "<id> D"
// per arrival the ring dropped, and "W <id> <ps>" when the egress link has sent a sealed record's last bit (inline): a
// record's latency to the wire ends there, its TX ring entry held and its place in the link's queue waited for.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <iostream>
#include <list>
#include <map>
#include <sstream>
#include <string>
#include <systemc>
#include <unordered_map>
#include <vector>

using namespace sc_core;
using u64 = std::uint64_t;

static double now_ns() { return sc_time_stamp().to_seconds() * 1e9; }
static void wait_until(double ns) {
  const double d = ns - now_ns();
  if (d > 0) wait(sc_time(std::llround(d * 1000.0), SC_PS));
}

enum kind { OPEN = 0, SEAL = 1, HANDSHAKE = 2 };

struct arrival {
  u64 id;
  double at;  // ns
  int kind;
  int size;
  u64 session;
};

// A unit's job: its service (ns, or computed when it starts), and the event its thread waits on.
struct job {
  double service = 0;
  bool dma = false;
  double bytes = 0;
  sc_event done;
};

struct flow : sc_module {
  std::map<std::string, double> p;
  std::vector<double> open_ns, seal_ns, bytes, fetch_up, fetch_down, back_up;
  std::vector<arrival> arrivals;
  sc_fifo<arrival*> ring;
  sc_fifo<job*> sym_q, pk_q, dma_q;
  long ring_count = 0, in_flight = 0, tx_count = 0, pk_waiting = 0;
  sc_event slot_freed, pk_place;
  std::deque<sc_event*> tx_waiting;
  double mem_free = 0, link_free = 0, up_free = 0, down_free = 0;
  // Key slots: sessions, least recently used first.
  std::list<u64> lru;
  std::unordered_map<u64, std::list<u64>::iterator> where;
  // A key fetch under way: the records that missed the same session meanwhile, in arrival order.
  struct pending {
    std::deque<sc_event*> waiters;
  };
  std::unordered_map<u64, pending*> fetching;
  bool lookaside;
  // Units' completions at one instant reach their records in the order the units started them (as a hardware
  // arbiter would take them, oldest first), not in the kernel's order of waking threads: one a delta.
  std::map<std::pair<long long, u64>, job*> finished;
  u64 started = 0;
  sc_event completed;

  double at(const std::string& k) const {
    auto it = p.find(k);
    if (it == p.end()) throw std::runtime_error("missing parameter " + k);
    return it->second;
  }

  SC_HAS_PROCESS(flow);
  flow(sc_module_name n, std::map<std::string, double> params, std::map<std::string, std::vector<double>> lists,
       std::vector<arrival> a)
      : sc_module(n), p(std::move(params)), arrivals(std::move(a)), ring("ring", 1 << 24), sym_q("sym_q", 1 << 24),
        pk_q("pk_q", 1 << 24), dma_q("dma_q", 1 << 24) {
    open_ns = lists.at("open_ns");
    seal_ns = lists.at("seal_ns");
    bytes = lists.at("bytes");
    fetch_up = lists.at("fetch_up");
    fetch_down = lists.at("fetch_down");
    back_up = lists.at("back_up");
    lookaside = at("lookaside") != 0;
    for (u64 s = 0; s < static_cast<u64>(std::min(at("keySlots"), at("activeSessions"))); s++) install(s);
    for (u64 i = 0; i < static_cast<u64>(at("lanes")); i++) sc_spawn([this] { server(sym_q, false); });
    for (u64 i = 0; i < static_cast<u64>(at("pkLanes")); i++) sc_spawn([this] { server(pk_q, true); });
    for (u64 i = 0; i < static_cast<u64>(at("dmaChannels")); i++) sc_spawn([this] { server(dma_q, false); });
    sc_spawn([this] { completer(); });
    sc_spawn([this] { source(); });
    sc_spawn([this] { intake(); });
  }

  bool touch(u64 s) {
    auto it = where.find(s);
    if (it == where.end()) return false;
    lru.splice(lru.end(), lru, it->second);
    return true;
  }
  void install(u64 s) {
    if (touch(s)) return;
    if (lru.size() >= static_cast<std::size_t>(at("keySlots"))) {
      where.erase(lru.front());
      lru.pop_front();
    }
    lru.push_back(s);
    where[s] = std::prev(lru.end());
  }

  // The memory: a booking of `b` bytes from now; its end (ns).
  double mem_book(double b) {
    const double interval = at("refreshIntervalNs"), stall = at("refreshNs");
    const double open_part = interval - stall;
    double start = std::max(now_ns(), mem_free);
    const double phase = std::fmod(start, interval);
    if (phase >= open_part) start += interval - phase;
    const double burst = at("burstBytes");
    const double rate = at("memChannels") * at("memChannelBitsPerSecond") / 1e9;
    const double bus = std::ceil(b / burst) * burst * 8 / rate / at("turnaroundEfficiency");
    double end = start + std::max(bus, at("activateNs") / at("memChannels"));
    if (std::fmod(start, interval) + (end - start) > open_part) end += stall;
    mem_free = end;
    return end;
  }
  double pcie_book(double& free, double b, double from) {
    const double start = std::max(from, free);
    free = start + b * 8 / (at("pcieLanes") * at("pcieBitsPerSecondPerLane") / 1e9);
    return free;
  }

  void completer() {
    for (;;) {
      wait(completed);
      while (!finished.empty()) {
        auto first = finished.begin();
        first->second->done.notify(SC_ZERO_TIME);
        finished.erase(first);
        wait(SC_ZERO_TIME);
      }
    }
  }

  void server(sc_fifo<job*>& q, bool pk) {
    for (;;) {
      job* j = q.read();
      const u64 order = started++;
      if (pk) {
        pk_waiting--;
        pk_place.notify(SC_ZERO_TIME);
      }
      if (j->dma) {
        // A DMA channel: its bytes at the channel's rate, and the memory's booking, whichever ends later.
        const double chan = now_ns() + j->bytes * 8 / (at("dmaBitsPerSecond") / 1e9);
        wait_until(std::max(chan, mem_book(j->bytes)));
      } else
        wait_until(now_ns() + j->service);
      finished[{static_cast<long long>(sc_time_stamp().value()), order}] = j;
      completed.notify(SC_ZERO_TIME);
    }
  }

  void run(sc_fifo<job*>& q, job& j) {
    q.write(&j);
    wait(j.done);
  }

  void source() {
    for (auto& a : arrivals) {
      wait_until(a.at);
      if (ring_count >= static_cast<long>(at("rxRingDepth"))) {
        std::cout << a.id << " D\n";
        continue;
      }
      ring_count++;
      ring.write(&a);
    }
  }

  // The ring's head in order: a record waits for a pipeline slot, a handshake for a place in the public-key queue.
  void intake() {
    for (;;) {
      arrival* a = ring.read();
      if (a->kind == HANDSHAKE) {
        if (at("handshakePkNs") > 0)
          while (pk_waiting >= static_cast<long>(at("queueDepth") * at("pkLanes"))) wait(pk_place);
      } else {
        while (in_flight >= static_cast<long>(at("pipelineDepth"))) wait(slot_freed);
        in_flight++;
      }
      ring_count--;
      if (a->kind == HANDSHAKE) {
        if (at("handshakePkNs") > 0) pk_waiting++;
        sc_spawn([this, a] { handshake(*a); });
      } else
        sc_spawn([this, a] { record(*a); });
      // A delta before the next head: threads spawned in one delta run in no stated order, and the heads admitted at
      // one instant must reach the key slots and the units in the ring's order.
      wait(SC_ZERO_TIME);
    }
  }

  void handshake(const arrival& a) {
    if (at("handshakePkNs") > 0) {
      job pk;
      pk.service = at("handshakePkNs");
      run(pk_q, pk);
    }
    job sym;
    sym.service = at("handshakeSymNs");
    run(sym_q, sym);
    install(a.session);
  }

  void dma(double b) {
    job d;
    d.dma = true;
    d.bytes = b;
    run(dma_q, d);
  }

  void record(const arrival& a) {
    if (!touch(a.session)) {
      auto it = fetching.find(a.session);
      if (it != fetching.end()) {
        // Woken in arrival order: each waiter passes the turn to the next a delta after it goes on.
        pending* w = it->second;
        sc_event mine;
        w->waiters.push_back(&mine);
        wait(mine);
        w->waiters.pop_front();
        if (w->waiters.empty())
          delete w;
        else
          w->waiters.front()->notify(SC_ZERO_TIME);
      } else {
        pending* w = new pending();
        fetching[a.session] = w;
        // The connection lookup: the hash bucket (if the table has one), then the entry with its key context.
        if (at("lookupBucketBytes") > 0) wait_until(mem_book(at("lookupBucketBytes")) + at("dramLatencyNs"));
        wait_until(mem_book(at("connectionEntryBytes") + at("contextBytes")) + at("dramLatencyNs"));
        install(a.session);
        fetching.erase(a.session);
        if (w->waiters.empty())
          delete w;
        else
          w->waiters.front()->notify(SC_ZERO_TIME);  // the fetcher goes on first
      }
    }
    const double datagram = bytes[a.size] + 29;
    if (lookaside) {
      const double asked = pcie_book(up_free, fetch_up[a.size], now_ns());
      wait_until(pcie_book(down_free, fetch_down[a.size], asked + at("hostReadLatencyNs")));
    }
    dma(datagram);
    job sym;
    sym.service = a.kind == OPEN ? open_ns[a.size] : seal_ns[a.size];
    run(sym_q, sym);
    if (a.kind == SEAL && !lookaside) {
      // A TX ring entry, in arrival order, before the DMA out; held until the egress link has sent the record.
      if (tx_count >= static_cast<long>(at("txRingDepth")) || !tx_waiting.empty()) {
        sc_event granted;
        tx_waiting.push_back(&granted);
        wait(granted);
      } else
        tx_count++;
      dma(datagram);
      link_free = std::max(now_ns(), link_free) + datagram * 8 / at("linkGbps");
      const double sent = link_free;
      std::cout << "W " << a.id << " " << std::llround(sent * 1000.0) << "\n";
      sc_spawn([this, sent] {
        wait_until(sent);
        if (tx_waiting.empty())
          tx_count--;
        else {
          tx_waiting.front()->notify(SC_ZERO_TIME);  // the entry passes to the longest waiter
          tx_waiting.pop_front();
        }
      });
    } else
      dma(datagram);
    if (lookaside) wait_until(pcie_book(up_free, back_up[a.size], now_ns()));
    std::cout << a.id << " " << std::llround(now_ns() * 1000.0) << "\n";
    in_flight--;
    slot_freed.notify(SC_ZERO_TIME);
  }
};

int sc_main(int, char*[]) {
  std::map<std::string, double> params;
  std::map<std::string, std::vector<double>> lists;
  std::vector<arrival> arrivals;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string tag;
    in >> tag;
    if (tag == "p") {
      std::string k;
      double v;
      in >> k >> v;
      params[k] = v;
    } else if (tag == "l") {
      std::string k;
      in >> k;
      double v;
      while (in >> v) lists[k].push_back(v);
    } else if (tag == "a") {
      arrival a{};
      in >> a.id >> a.at >> a.kind >> a.size >> a.session;
      arrivals.push_back(a);
    }
  }
  flow f("flow", params, lists, arrivals);
  sc_start();
  std::cout.flush();
  return 0;
}
