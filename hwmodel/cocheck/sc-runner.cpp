// The SystemC side of the hwmodel co-check (see hwmodel/cocheck/README.md):
// reads one scenario in the co-check text format on stdin, builds it with the
// Accellera SystemC 2.3.x kernel and TLM-2.0 utilities, runs it, and prints
// one trace line per observation: "<time ps> <delta count> <who> <text>".
// The TypeScript side (hwmodel/cocheck/run-ts.ts) interprets the same text
// with the hwmodel kernel; the two traces must agree line for line.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <tlm_utils/peq_with_cb_and_phase.h>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace sc_core;

struct Op {
  std::vector<std::string> w;  // the words of the line
  std::vector<Op> body;        // for "loop"
};

struct ProcSpec {
  std::string kind, name;
  std::vector<std::string> sensitive;
  bool dontInit = false;
  long limit = -1;
  std::vector<Op> body;
};

static std::map<std::string, std::unique_ptr<sc_event>> events;
static std::map<std::string, std::unique_ptr<sc_signal<long>>> signals;
static std::map<std::string, std::unique_ptr<sc_fifo<long>>> fifos;
static std::map<std::string, std::unique_ptr<sc_clock>> clocks;
static std::map<std::string, sc_event_queue*> eventQueues;
static std::map<std::string, sc_process_handle> handles;
static std::vector<ProcSpec> procs;
static std::vector<Op> mainOps;

static void emit(const std::string& who, const std::string& text) {
  std::cout << sc_time_stamp().value() << ' ' << sc_delta_count() << ' ' << who << ' ' << text << '\n';
}

static void fail(const std::string& msg) {
  std::cerr << "sc-runner: " << msg << '\n';
  std::exit(2);
}

static sc_signal<long>& sig(const std::string& n) {
  auto it = signals.find(n);
  if (it == signals.end()) fail("unknown signal " + n);
  return *it->second;
}

// An event to notify or cancel: a declared one.
static sc_event& ev(const std::string& n) {
  auto it = events.find(n);
  if (it == events.end()) fail("unknown event " + n);
  return *it->second;
}

static sc_fifo<long>& fifo(const std::string& n) {
  auto it = fifos.find(n);
  if (it == fifos.end()) fail("unknown fifo " + n);
  return *it->second;
}

// An event to wait for: a declared one, "SIGNAL.changed", "CLOCK.changed|posedge|negedge", "FIFO.written|read".
static const sc_event& waitable(const std::string& n) {
  auto dot = n.rfind('.');
  if (dot == std::string::npos) {
    auto q = eventQueues.find(n);
    return q != eventQueues.end() ? q->second->default_event() : ev(n);
  }
  std::string owner = n.substr(0, dot), what = n.substr(dot + 1);
  auto c = clocks.find(owner);
  if (c != clocks.end()) {
    if (what == "posedge") return c->second->posedge_event();
    if (what == "negedge") return c->second->negedge_event();
    if (what == "changed") return c->second->value_changed_event();
  }
  auto f = fifos.find(owner);
  if (f != fifos.end()) {
    if (what == "written") return f->second->data_written_event();
    if (what == "read") return f->second->data_read_event();
  }
  if (what == "changed") return sig(owner).value_changed_event();
  fail("unknown event " + n);
  return ev(n);
}

static sc_process_handle& handle(const std::string& n, const std::string& who) {
  auto it = handles.find(n == "self" ? who : n);
  if (it == handles.end()) fail("unknown process " + n);
  return it->second;
}

static long num(const std::string& s) { return std::stol(s); }
static sc_time ps(long v) { return sc_time(static_cast<double>(v), SC_PS); }

static std::string join(const std::vector<std::string>& w, size_t from) {
  std::string out;
  for (size_t i = from; i < w.size(); i++) out += (i > from ? " " : "") + w[i];
  return out;
}

// ---- TLM parts ----------------------------------------------------------

static const char* phaseName(const tlm::tlm_phase& p) {
  if (p == tlm::BEGIN_REQ) return "BEGIN_REQ";
  if (p == tlm::END_REQ) return "END_REQ";
  if (p == tlm::BEGIN_RESP) return "BEGIN_RESP";
  if (p == tlm::END_RESP) return "END_RESP";
  return "?";
}
static const char* syncName(tlm::tlm_sync_enum s) {
  return s == tlm::TLM_ACCEPTED ? "TLM_ACCEPTED" : s == tlm::TLM_UPDATED ? "TLM_UPDATED" : "TLM_COMPLETED";
}

// A target with a blocking interface: adds its latency to the annotation.
struct BTarget : sc_module {
  tlm_utils::simple_target_socket<BTarget> socket;
  long latency;
  BTarget(sc_module_name n, long lat) : sc_module(n), socket("socket"), latency(lat) {
    socket.register_b_transport(this, &BTarget::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
    std::ostringstream s;
    s << "b_transport addr=" << gp.get_address() << " delay=" << delay.value();
    emit(basename(), s.str());
    delay += ps(latency);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

// A 4-phase target registering only nb_transport_fw (b_transport calls are
// converted by simple_target_socket): accepts BEGIN_REQ, sends END_REQ after
// endReq ps and BEGIN_RESP after resp ps more; END_RESP completes.
// Modes (the TypeScript side's NbTargetMode): accept, updated (TLM_UPDATED
// END_REQ), respond (TLM_UPDATED BEGIN_RESP), complete (TLM_COMPLETED).
struct NbTarget : sc_module {
  tlm_utils::simple_target_socket<NbTarget> socket;
  tlm_utils::peq_with_cb_and_phase<NbTarget> peq;
  long endReq, resp;
  std::string mode;
  NbTarget(sc_module_name n, long e, long r, const std::string& m)
      : sc_module(n), socket("socket"), peq(this, &NbTarget::onPeq), endReq(e), resp(r), mode(m) {
    socket.register_nb_transport_fw(this, &NbTarget::nb_transport_fw);
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase, sc_time& delay) {
    std::ostringstream s;
    s << "fw " << phaseName(phase) << " addr=" << gp.get_address() << " delay=" << delay.value();
    emit(basename(), s.str());
    if (phase == tlm::BEGIN_REQ) {
      if (mode == "updated") {
        phase = tlm::END_REQ;
        delay += ps(endReq);
        tlm::tlm_phase next = tlm::BEGIN_RESP;
        peq.notify(gp, next, delay + ps(resp));
        return tlm::TLM_UPDATED;
      }
      if (mode == "respond") {
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        phase = tlm::BEGIN_RESP;
        delay += ps(endReq + resp);
        return tlm::TLM_UPDATED;
      }
      if (mode == "complete") {
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        delay += ps(endReq + resp);
        return tlm::TLM_COMPLETED;
      }
      peq.notify(gp, phase, delay + ps(endReq));
      return tlm::TLM_ACCEPTED;
    }
    if (phase == tlm::END_RESP) return tlm::TLM_COMPLETED;
    return tlm::TLM_ACCEPTED;
  }
  void onPeq(tlm::tlm_generic_payload& gp, const tlm::tlm_phase& phase) {
    if (phase == tlm::BEGIN_REQ) {
      tlm::tlm_phase p = tlm::END_REQ;
      sc_time d = SC_ZERO_TIME;
      tlm::tlm_sync_enum r = socket->nb_transport_bw(gp, p, d);
      std::ostringstream s;
      s << "bw END_REQ addr=" << gp.get_address() << " -> " << syncName(r);
      emit(basename(), s.str());
      tlm::tlm_phase next = tlm::BEGIN_RESP;
      peq.notify(gp, next, ps(resp));
    } else if (phase == tlm::BEGIN_RESP) {
      gp.set_response_status(tlm::TLM_OK_RESPONSE);
      tlm::tlm_phase p = tlm::BEGIN_RESP;
      sc_time d = SC_ZERO_TIME;
      tlm::tlm_sync_enum r = socket->nb_transport_bw(gp, p, d);
      std::ostringstream s;
      s << "bw BEGIN_RESP addr=" << gp.get_address() << " -> " << syncName(r) << ' ' << phaseName(p);
      emit(basename(), s.str());
    }
  }
};

// An initiator: threads call b_transport / nb_transport_fw through it. On
// the backward path it logs and answers BEGIN_RESP with TLM_COMPLETED.
// With resp_delay N, BEGIN_RESP is answered TLM_ACCEPTED and END_RESP sent N ps later.
struct Initiator : sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket;
  tlm_utils::tlm_quantumkeeper qk;
  tlm_utils::peq_with_cb_and_phase<Initiator> endResp;
  long respDelay;
  std::map<sc_dt::uint64, std::unique_ptr<tlm::tlm_generic_payload>> payloads;
  std::map<sc_dt::uint64, std::unique_ptr<sc_event>> done;
  Initiator(sc_module_name n, long rd) : sc_module(n), socket("socket"), endResp(this, &Initiator::onEndResp), respDelay(rd) {
    socket.register_nb_transport_bw(this, &Initiator::nb_transport_bw);
    qk.reset();
  }
  void onEndResp(tlm::tlm_generic_payload& gp, const tlm::tlm_phase&) {
    tlm::tlm_phase p = tlm::END_RESP;
    sc_time d = SC_ZERO_TIME;
    tlm::tlm_sync_enum r = socket->nb_transport_fw(gp, p, d);
    emit(basename(), "fw END_RESP addr=" + std::to_string(gp.get_address()) + " -> " + syncName(r));
    done[gp.get_address()]->notify();
  }
  tlm::tlm_generic_payload& payload(sc_dt::uint64 addr) {
    auto& p = payloads[addr];
    if (!p) {
      p.reset(new tlm::tlm_generic_payload());
      done[addr].reset(new sc_event());
    }
    p->set_command(tlm::TLM_WRITE_COMMAND);
    p->set_address(addr);
    p->set_data_ptr(nullptr);
    p->set_data_length(0);
    p->set_streaming_width(0);
    p->set_byte_enable_ptr(nullptr);
    p->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    return *p;
  }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase, sc_time& delay) {
    std::ostringstream s;
    s << "bw " << phaseName(phase) << " addr=" << gp.get_address() << " delay=" << delay.value();
    emit(basename(), s.str());
    if (phase == tlm::BEGIN_RESP) {
      if (respDelay >= 0) {
        tlm::tlm_phase next = tlm::END_RESP;
        endResp.notify(gp, next, delay + ps(respDelay));
        return tlm::TLM_ACCEPTED;
      }
      done[gp.get_address()]->notify(delay);
      return tlm::TLM_COMPLETED;
    }
    return tlm::TLM_ACCEPTED;
  }
};

// A payload event queue whose callback logs what it delivers; with `then`
// (chain >= -1) it notifies the next phase, immediately (-1) or after chain ps.
struct Peq : sc_module {
  tlm_utils::peq_with_cb_and_phase<Peq> peq;
  std::map<sc_dt::uint64, std::unique_ptr<tlm::tlm_generic_payload>> payloads;
  long chain;
  Peq(sc_module_name n, long ch) : sc_module(n), peq(this, &Peq::cb), chain(ch) {}
  void cb(tlm::tlm_generic_payload& gp, const tlm::tlm_phase& phase) {
    emit(basename(), "peq addr=" + std::to_string(gp.get_address()) + " " + phaseName(phase));
    if (chain < -1 || phase == tlm::END_RESP) return;
    tlm::tlm_phase next = phase == tlm::BEGIN_REQ ? tlm::END_REQ : phase == tlm::END_REQ ? tlm::BEGIN_RESP : tlm::END_RESP;
    if (chain == -1) peq.notify(gp, next);
    else peq.notify(gp, next, ps(chain));
  }
  tlm::tlm_generic_payload& payload(sc_dt::uint64 a) {
    auto& p = payloads[a];
    if (!p) p.reset(new tlm::tlm_generic_payload());
    p->set_address(a);
    return *p;
  }
};
static std::map<std::string, Peq*> peqs;

static tlm::tlm_phase phaseOf(const std::string& n) {
  if (n == "BEGIN_REQ") return tlm::BEGIN_REQ;
  if (n == "END_REQ") return tlm::END_REQ;
  if (n == "BEGIN_RESP") return tlm::BEGIN_RESP;
  if (n == "END_RESP") return tlm::END_RESP;
  fail("unknown phase " + n);
  return tlm::BEGIN_REQ;
}

static std::map<std::string, sc_module*> targets;
static std::map<std::string, Initiator*> initiators;

static Initiator& ini(const std::string& n) {
  auto it = initiators.find(n);
  if (it == initiators.end()) fail("unknown initiator " + n);
  return *it->second;
}

// ---- interpreter --------------------------------------------------------

struct Ctx {
  std::string who;
  bool thread;
  bool triggerSet = false;
};

static void exec(const std::vector<Op>& ops, Ctx& c);

static void execOne(const Op& op, Ctx& c) {
  const auto& w = op.w;
  const std::string& k = w[0];
  if (k == "log") {
    emit(c.who, join(w, 1));
  } else if (k == "notify") {
    if (w.size() == 2) ev(w[1]).notify();
    else if (num(w[2]) == 0) ev(w[1]).notify(SC_ZERO_TIME);
    else ev(w[1]).notify(ps(num(w[2])));
  } else if (k == "cancel") {
    ev(w[1]).cancel();
  } else if (k == "write") {
    sig(w[1]).write(num(w[2]));
  } else if (k == "read") {
    emit(c.who, w[1] + "=" + std::to_string(sig(w[1]).read()));
  } else if (k == "stop") {
    sc_stop();
  } else if (k == "fifo_nb_write") {
    bool ok = fifo(w[1]).nb_write(num(w[2]));
    emit(c.who, "nb_write " + w[1] + " " + w[2] + " ok=" + (ok ? "1" : "0"));
  } else if (k == "fifo_nb_read") {
    long v = 0;
    bool ok = fifo(w[1]).nb_read(v);
    emit(c.who, "nb_read " + w[1] + " ok=" + (ok ? "1 value=" + std::to_string(v) : std::string("0")));
  } else if (k == "fifo_state") {
    emit(c.who, w[1] + " available=" + std::to_string(fifo(w[1]).num_available()) + " free=" + std::to_string(fifo(w[1]).num_free()));
  } else if (k == "fifo_write" && c.thread) {
    fifo(w[1]).write(num(w[2]));
    emit(c.who, "wrote " + w[1] + " " + w[2]);
  } else if (k == "fifo_read" && c.thread) {
    long v = fifo(w[1]).read();
    emit(c.who, "read " + w[1] + " " + std::to_string(v));
  } else if (k == "clock_read") {
    auto it = clocks.find(w[1]);
    if (it == clocks.end()) fail("unknown clock " + w[1]);
    emit(c.who, w[1] + "=" + (it->second->read() ? "1" : "0"));
  } else if (k == "suspend") {
    handle(w[1], c.who).suspend();
  } else if (k == "resume") {
    handle(w[1], c.who).resume();
  } else if (k == "kill") {
    handle(w[1], c.who).kill();
  } else if (k == "reset") {
    handle(w[1], c.who).reset();
  } else if (k == "peq_notify") {
    auto it = peqs.find(w[1]);
    if (it == peqs.end()) fail("unknown peq " + w[1]);
    tlm::tlm_phase ph = phaseOf(w[3]);
    tlm::tlm_generic_payload& gp = it->second->payload(num(w[2]));
    if (w.size() > 4) it->second->peq.notify(gp, ph, ps(num(w[4])));
    else it->second->peq.notify(gp, ph);
  } else if (k == "eq_notify") {
    auto it = eventQueues.find(w[1]);
    if (it == eventQueues.end()) fail("unknown event_queue " + w[1]);
    it->second->notify(ps(num(w[2])));
  } else if (k == "eq_cancel_all") {
    auto it = eventQueues.find(w[1]);
    if (it == eventQueues.end()) fail("unknown event_queue " + w[1]);
    it->second->cancel_all();
  } else if (k == "loop") {
    for (long i = 0; i < num(w[1]); i++) exec(op.body, c);
  } else if (k == "wait" && c.thread) {
    if (w.size() == 1) wait();
    else if (num(w[1]) == 0) wait(SC_ZERO_TIME);
    else wait(ps(num(w[1])));
  } else if (k == "wait_event" && c.thread) {
    wait(waitable(w[1]));
  } else if ((k == "wait_any" || k == "wait_all") && c.thread) {
    if (k == "wait_any") {
      sc_event_or_list l;
      for (size_t i = 1; i < w.size(); i++) l |= waitable(w[i]);
      wait(l);
    } else {
      sc_event_and_list l;
      for (size_t i = 1; i < w.size(); i++) l &= waitable(w[i]);
      wait(l);
    }
  } else if (k == "wait_timeout" && c.thread) {
    wait(ps(num(w[1])), waitable(w[2]));
    emit(c.who, std::string("timed_out=") + (timed_out() ? "1" : "0"));
  } else if (k == "next_trigger" && !c.thread) {
    c.triggerSet = true;
    if (w.size() == 1) next_trigger();
    else if (num(w[1]) == 0) next_trigger(SC_ZERO_TIME);
    else next_trigger(ps(num(w[1])));
  } else if (k == "next_trigger_event" && !c.thread) {
    c.triggerSet = true;
    next_trigger(waitable(w[1]));
  } else if (k == "b_transport" && c.thread) {
    // b_transport INITIATOR ADDR [DELAY]: call, log the returned annotation.
    Initiator& i = ini(w[1]);
    tlm::tlm_generic_payload& gp = i.payload(num(w[2]));
    sc_time d = ps(w.size() > 3 ? num(w[3]) : 0);
    i.socket->b_transport(gp, d);
    emit(c.who, "b_transport done addr=" + w[2] + " delay=" + std::to_string(d.value()) + " ok=" + (gp.is_response_ok() ? "1" : "0"));
  } else if (k == "qk_transport" && c.thread) {
    // qk_transport INITIATOR ADDR: loosely timed with the initiator's quantum keeper.
    Initiator& i = ini(w[1]);
    tlm::tlm_generic_payload& gp = i.payload(num(w[2]));
    sc_time d = i.qk.get_local_time();
    i.socket->b_transport(gp, d);
    i.qk.set(d);
    bool need = i.qk.need_sync();
    emit(c.who, "qk local=" + std::to_string(i.qk.get_local_time().value()) + " need_sync=" + (need ? "1" : "0"));
    if (need) i.qk.sync();
  } else if (k == "qk_inc") {
    ini(w[1]).qk.inc(ps(num(w[2])));
  } else if (k == "global_quantum") {
    tlm::tlm_global_quantum::instance().set(ps(num(w[1])));
    for (auto& p : initiators) p.second->qk.reset();
  } else if (k == "nb_request" && c.thread) {
    // nb_request INITIATOR ADDR: BEGIN_REQ on the forward path; waits for the response.
    Initiator& i = ini(w[1]);
    sc_dt::uint64 a = num(w[2]);
    tlm::tlm_generic_payload& gp = i.payload(a);
    tlm::tlm_phase p = tlm::BEGIN_REQ;
    sc_time d = SC_ZERO_TIME;
    tlm::tlm_sync_enum r = i.socket->nb_transport_fw(gp, p, d);
    emit(c.who, "nb BEGIN_REQ addr=" + w[2] + " -> " + syncName(r) + " " + phaseName(p) + " delay=" + std::to_string(d.value()));
    if (r == tlm::TLM_COMPLETED) {
      if (d > SC_ZERO_TIME) wait(d);
    } else if (r == tlm::TLM_UPDATED && p == tlm::BEGIN_RESP) {
      if (d > SC_ZERO_TIME) wait(d);
      tlm::tlm_phase p2 = tlm::END_RESP;
      sc_time d2 = SC_ZERO_TIME;
      tlm::tlm_sync_enum r2 = i.socket->nb_transport_fw(gp, p2, d2);
      emit(c.who, "nb END_RESP addr=" + w[2] + " -> " + syncName(r2));
    } else {
      wait(*i.done[a]);
    }
    emit(c.who, "nb done addr=" + w[2] + " ok=" + (gp.is_response_ok() ? "1" : "0"));
  } else {
    fail("op not allowed here: " + join(w, 0));
  }
}

static void exec(const std::vector<Op>& ops, Ctx& c) {
  for (const auto& op : ops) execOne(op, c);
}

// ---- parsing ------------------------------------------------------------

static std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  std::string t;
  while (in >> t) out.push_back(t);
  return out;
}

// The next non-empty line's words (a comment starts at '#'); false at the end.
static bool nextLine(std::istream& in, std::vector<std::string>& w) {
  std::string line;
  while (std::getline(in, line)) {
    auto h = line.find('#');
    if (h != std::string::npos) line.resize(h);
    w = words(line);
    if (!w.empty()) return true;
  }
  return false;
}

static std::vector<Op> parseBlock(std::istream& in) {
  std::vector<Op> ops;
  std::vector<std::string> w;
  while (nextLine(in, w)) {
    if (w[0] == "end") return ops;
    Op op;
    op.w = w;
    if (w[0] == "loop") op.body = parseBlock(in);
    ops.push_back(op);
  }
  return ops;
}

static void parse(std::istream& in) {
  std::vector<std::string> w;
  while (nextLine(in, w)) {
    const std::string& k = w[0];
    if (k == "event") {
      events[w[1]].reset(new sc_event(w[1].c_str()));
    } else if (k == "signal") {
      signals[w[1]].reset(new sc_signal<long>(w[1].c_str(), num(w[2])));
    } else if (k == "btarget") {
      targets[w[1]] = new BTarget(w[1].c_str(), num(w[2]));
    } else if (k == "nbtarget") {
      targets[w[1]] = new NbTarget(w[1].c_str(), num(w[2]), num(w[3]), w.size() > 4 ? w[4] : "accept");
    } else if (k == "fifo") {
      fifos[w[1]].reset(new sc_fifo<long>(w[1].c_str(), static_cast<int>(num(w[2]))));
    } else if (k == "clock") {
      double duty = w.size() > 3 ? num(w[3]) / 100.0 : 0.5;
      long start = w.size() > 4 ? num(w[4]) : 0;
      bool posFirst = !(w.size() > 5 && w[5] == "negedge_first");
      clocks[w[1]].reset(new sc_clock(w[1].c_str(), ps(num(w[2])), duty, ps(start), posFirst));
    } else if (k == "peq") {
      long chain = w.size() > 3 ? (w[3] == "now" ? -1 : num(w[3])) : -2;
      peqs[w[1]] = new Peq(w[1].c_str(), chain);
    } else if (k == "event_queue") {
      eventQueues[w[1]] = new sc_event_queue(w[1].c_str());
    } else if (k == "initiator") {
      Initiator* i = new Initiator(w[1].c_str(), w.size() > 4 ? num(w[4]) : -1);
      initiators[w[1]] = i;
      auto t = targets.find(w[2]);
      if (t == targets.end()) fail("unknown target " + w[2]);
      if (auto* b = dynamic_cast<BTarget*>(t->second)) i->socket.bind(b->socket);
      else i->socket.bind(dynamic_cast<NbTarget*>(t->second)->socket);
    } else if (k == "thread" || k == "method") {
      ProcSpec p;
      p.kind = k;
      p.name = w[1];
      for (size_t i = 2; i < w.size(); i++) {
        if (w[i] == "dont_initialize") p.dontInit = true;
        else if (w[i] == "limit") p.limit = num(w[++i]);
        else if (w[i] == "sensitive") continue;
        else p.sensitive.push_back(w[i]);
      }
      p.body = parseBlock(in);
      procs.push_back(p);
    } else if (k == "main") {
      mainOps = parseBlock(in);
    } else {
      fail("unknown declaration: " + join(w, 0));
    }
  }
}

static void spawnAll() {
  for (auto& spec : procs) {
    sc_spawn_options o;
    if (spec.kind == "method") o.spawn_method();
    if (spec.dontInit) o.dont_initialize();
    for (auto& e : spec.sensitive) o.set_sensitivity(&waitable(e));
    const ProcSpec* p = &spec;
    if (spec.kind == "method") {
      auto count = std::make_shared<long>(0);
      handles[p->name] = sc_spawn([p, count]() {
        if (p->limit >= 0 && (*count)++ >= p->limit) return;
        Ctx c{p->name, false};
        exec(p->body, c);
      }, p->name.c_str(), &o);
    } else {
      handles[p->name] = sc_spawn([p]() {
        Ctx c{p->name, true};
        exec(p->body, c);
      }, p->name.c_str(), &o);
    }
  }
}

static std::string errorId(const sc_report& r) {
  std::string m = r.what();
  auto a = m.find("(E");
  auto b = m.find(')', a == std::string::npos ? 0 : a);
  return a == std::string::npos || b == std::string::npos ? "error" : m.substr(a + 1, b - a - 1);
}

int sc_main(int, char*[]) {
  sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
  sc_report_handler::set_actions(SC_WARNING, SC_DO_NOTHING);
  sc_report_handler::set_actions(SC_ERROR, SC_THROW);
  parse(std::cin);
  spawnAll();
  Ctx c{"main", false};
  try {
    for (const auto& op : mainOps) {
      const auto& w = op.w;
      if (w[0] == "run") {
        if (w.size() == 1) sc_start();
        else if (num(w[1]) == 0) sc_start(SC_ZERO_TIME);
        else sc_start(ps(num(w[1])));
      } else {
        execOne(op, c);
      }
    }
  } catch (const sc_report& r) {
    emit("main", "error " + errorId(r));
  }
  std::cout.flush();
  std::_Exit(0);  // skip sc_stop's end-of-simulation output and teardown
}
