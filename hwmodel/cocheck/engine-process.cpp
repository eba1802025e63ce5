// A second model of the offload device's crypto engine and memory, written in the process style: every
// resource is a clocked SC_THREAD (or a set of them) taking work from an sc_fifo, and every transaction is a
// thread of its own that passes through them. It shares nothing with the TypeScript model or the generated
// SystemC engine (generated/systemc/crypto_engine.h), which book resources by arithmetic on their free times,
// except the cycle table (generated/systemc/engine/tables.h: the spec/hw/engines figures, data) and the trace.
//
// Reads an engine trace (hwmodel/cocheck/engine-trace.ts) on stdin and prints "<id> <finish ps>" for every
// crypto command (c) and memory access (m). What the hardware does here:
//
//   intake   one thread: commands in arrival order; a command waits (sc_semaphore) for a slot of its first
//            unit's queue (lanes x queue_depth slots, held from admission until a lane starts it), holding
//            back every command behind it; admission on a clock edge
//   dma      dma_channels threads on one request fifo: a transfer starts on a clock edge, lasts its bytes at
//            dma_bandwidth in whole cycles, then the channel is free and the transfer goes on to memory
//   memory   a 4-way LRU cache of line_size lines: an access whose lines it holds costs the hit latency plus
//            its bytes at the memory bandwidth; one that misses a line goes to the one DRAM channel
//            (dram-twin.h: a thread on its request fifo, from spec/hw/platform's JEDEC figures; not on the
//            engine clock)
//   units    lanes / pk_lanes threads per unit on the unit's fifo: a lane starts a command on a clock edge,
//            frees its queue slot, is held for the issue interval; the result follows the pipeline latency;
//            a public-key command's symmetric part then goes to the symmetric unit without a queue slot
//
// Clock edges are where this model and the TypeScript one part: it starts each clocked step on an edge.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <cmath>
#include <deque>
#include <iostream>
#include <list>
#include <memory>
#include <sstream>
#include <systemc>
#include "engine/tables.h"
#include "dram-twin.h"

using namespace sc_core;
using u64 = std::uint64_t;

static sc_time ps(u64 v) { return sc_time(static_cast<double>(v), SC_PS); }
static u64 now_ps() { return sc_time_stamp().value(); }

// One piece of work handed to a server: ended with `done` (a delta later than its last wait).
struct job {
  u64 cycles_ps = 0;                 // dma: the transfer's time; unit: the issue interval
  u64 address = 0, length = 0;       // memory
  sc_semaphore* slot = nullptr;      // unit: the queue slot a lane frees when it starts the job
  sc_event done;
};

struct engine : sc_module {
  u64 period;
  sc_clock clk;
  sc_fifo<job*> dma_q, sym_q, pk_q;
  sc_semaphore sym_slots, pk_slots;
  // The intake: commands wait here in arrival order.
  sc_fifo<std::pair<sc_semaphore*, sc_event*>*> intake_q;
  // The cache: per set, line numbers, most recently used last.
  std::vector<std::list<u64>> sets;
  u64 line, hit_ps, mem_bandwidth;
  dram_twin dram;

  SC_HAS_PROCESS(engine);
  engine(sc_module_name n, const std::map<std::string, u64>& p)
      : sc_module(n), period(p.at("crypto_engine.clock_period")), clk("clk", ps(period)),
        dma_q("dma_q", 1 << 20), sym_q("sym_q", 1 << 20), pk_q("pk_q", 1 << 20),
        sym_slots("sym_slots", static_cast<int>(p.at("crypto_engine.lanes") * p.at("crypto_engine.queue_depth"))),
        pk_slots("pk_slots", static_cast<int>(p.at("crypto_engine.pk_lanes") * p.at("crypto_engine.queue_depth"))),
        intake_q("intake_q", 1 << 20), line(p.at("memory.line_size")), hit_ps(p.at("memory.hit_latency")),
        mem_bandwidth(p.at("memory.bandwidth")), dram(p) {
    sets.resize(std::max<u64>(1, p.at("memory.cache_size") / line / 4));
    sc_spawn([this] { intake(); }, "intake");
    for (u64 i = 0; i < p.at("crypto_engine.dma_channels"); i++) sc_spawn([this] { server(dma_q, true); }, sc_gen_unique_name("dma"));
    for (u64 i = 0; i < p.at("crypto_engine.lanes"); i++) sc_spawn([this] { server(sym_q, true); }, sc_gen_unique_name("sym"));
    for (u64 i = 0; i < p.at("crypto_engine.pk_lanes"); i++) sc_spawn([this] { server(pk_q, true); }, sc_gen_unique_name("pk"));
  }

  // Waits for the next rising edge unless on one now (the clock starts high at 0).
  void edge() {
    if (now_ps() % period != 0) wait(clk.posedge_event());
  }

  void intake() {
    for (;;) {
      auto* w = intake_q.read();
      edge();
      w->first->wait();
      w->second->notify(SC_ZERO_TIME);
    }
  }

  // A clocked server: dma channels and unit lanes.
  void server(sc_fifo<job*>& q, bool clocked) {
    for (;;) {
      job* j = q.read();
      if (clocked) edge();
      if (j->slot != nullptr) j->slot->post();
      if (j->cycles_ps > 0) wait(ps(j->cycles_ps));
      j->done.notify(SC_ZERO_TIME);
    }
  }

  bool lookup(u64 l) {
    auto& set = sets[l % sets.size()];
    for (auto it = set.begin(); it != set.end(); ++it) {
      if (*it != l) continue;
      set.erase(it);
      set.push_back(l);
      return true;
    }
    if (set.size() >= 4) set.pop_front();
    set.push_back(l);
    return false;
  }

  // Called from a transaction's thread: hands the job to a server and waits for it.
  void run(sc_fifo<job*>& q, job& j) {
    q.write(&j);
    wait(j.done);
  }

  // Called from a transaction's thread: a hit costs the hit latency and its bytes; a miss waits for the DRAM.
  void memory_access(u64 address, u64 length) {
    const u64 len = std::max<u64>(1, length);
    bool missed = false;
    for (u64 l = address / line; l <= (address + len - 1) / line; l++) missed = !lookup(l) || missed;
    if (missed) return dram.access(len);
    const double t = static_cast<double>(hit_ps) + static_cast<double>(len) * 8e12 / static_cast<double>(mem_bandwidth);
    if (t > 0) wait(ps(static_cast<u64>(std::llround(t))));
  }

  // One DMA transfer: the channel for the bytes in whole cycles, then the memory.
  void transfer(u64 bytes, u64 address, u64 buffer_size, u64 dma_bandwidth) {
    if (bytes == 0) return;
    job d;
    u64 t = (bytes * 8 * 1000000000000ull + dma_bandwidth - 1) / dma_bandwidth;
    d.cycles_ps = (t + period - 1) / period * period;
    run(dma_q, d);
    memory_access(address, std::min(bytes, buffer_size));
  }
};

struct record {
  char kind;
  u64 id, at, address, length;
  std::vector<dtls13_engine::op> ops;
};

int sc_main(int, char*[]) {
  sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
  sc_report_handler::set_actions(SC_WARNING, SC_DO_NOTHING);
  std::map<std::string, u64> params;
  std::vector<record> records;
  std::string engine_name, l;
  while (std::getline(std::cin, l)) {
    std::istringstream in(l);
    std::string k;
    in >> k;
    if (k == "engine") in >> engine_name;
    else if (k == "param") {
      std::string name;
      double v;
      in >> name >> v;
      params[name] = static_cast<u64>(v);
    } else if (k == "c" || k == "m") {
      record r{k[0], 0, 0, 0, 0, {}};
      std::string port, mode, done;
      in >> r.id >> r.at >> port >> mode >> r.address;
      if (k == "m") in >> r.length;
      else {
        size_t n;
        in >> done >> n;
        for (size_t i = 0; i < n; i++) {
          std::string w;
          in >> w;
          auto a = w.find(':'), b = w.rfind(':');
          r.ops.push_back({w.substr(0, a), w.substr(a + 1, b - a - 1), std::stoull(w.substr(b + 1))});
        }
      }
      records.push_back(r);
    }
  }
  const dtls13_engine::table& table = dtls13_engine::engine_table(engine_name);
  engine e("engine", params);
  const u64 buffer_size = params.at("crypto_engine.buffer_size"), dma_bw = params.at("crypto_engine.dma_bandwidth");
  const u64 overhead = params.at("crypto_engine.command_cycles") * e.period;
  std::vector<std::pair<u64, u64>> finished;
  sc_spawn_options small;
  small.set_stack_size(0x8000);
  for (const record& r : records) {
    sc_spawn([&, rp = &r] {
      const record& r = *rp;
      if (r.at > 0) wait(ps(r.at));
      if (r.kind == 'm') {
        e.memory_access(r.address, r.length);
        finished.push_back({r.id, now_ps()});
        if (finished.size() == records.size()) sc_stop();
        return;
      }
      dtls13_engine::costs c = table.command_costs(r.ops, e.period, overhead);
      const bool pk = c.public_key > 0;
      sc_semaphore* slots = pk ? &e.pk_slots : &e.sym_slots;
      sc_event admitted;
      std::pair<sc_semaphore*, sc_event*> w{slots, &admitted};
      e.intake_q.write(&w);
      wait(admitted);
      const u64 buffer = dtls13_engine::BUFFER_BASE + (r.address % 65536) * buffer_size;
      e.transfer(c.read_bytes, buffer, buffer_size, dma_bw);
      job unit;
      unit.slot = slots;
      unit.cycles_ps = pk ? c.public_key : c.symmetric;
      e.run(pk ? e.pk_q : e.sym_q, unit);
      if (pk) {
        job sym;
        sym.cycles_ps = c.symmetric;
        e.run(e.sym_q, sym);
      }
      if (c.latency > 0) wait(ps(c.latency));
      e.transfer(c.write_bytes, buffer, buffer_size, dma_bw);
      finished.push_back({r.id, now_ps()});
      if (finished.size() == records.size()) sc_stop();  // the clock never stops by itself
    }, sc_gen_unique_name("txn"), &small);
  }
  sc_start();
  for (auto& f : finished) std::cout << f.first << ' ' << f.second << '\n';
  std::cout.flush();
  std::_Exit(0);
}
