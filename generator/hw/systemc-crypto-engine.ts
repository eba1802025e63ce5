/**
 * The crypto engine's behaviour in SystemC (generated/systemc/crypto_engine.h),
 * the C++ counterpart of hwmodel/model/crypto-engine.ts on the accelerated
 * engine: one intake taking commands in arrival order (head-of-line, each
 * unit's queue holding lanes × queue_depth commands), the operands in by
 * DMA, the public-key and symmetric units' lanes (issue interval, then the
 * pipeline latency), the results out by DMA, BEGIN_RESP (or b_transport's
 * return). One SC_THREAD runs every command's steps from a
 * tlm_utils::peq_with_get in time order, and at one time in the order they
 * were queued, as the hwmodel kernel fires timed notifications; the
 * intake's waiters wake a delta later, as the model's delta notification.
 * Cycle costs from the engine tables (spec/hw/engines, engine/tables.h).
 */
export const CRYPTO_ENGINE_BEHAVIOUR = String.raw`  // A command in the engine: its costs from the cycle table and where it is in its steps.
  struct command_state {
    tlm::tlm_generic_payload* gp = nullptr;
    bool blocking = false;
    int port = 0;
    int stage = 0;
    dtls13_engine::costs cost;
    int unit = 0;                 // the unit whose queue it enters: 0 symmetric, 1 public key
    unsigned long long ticket = 0;
    unsigned long long wait_id = 0;  // bumped when a wait of the intake ends (its other wake-up goes stale)
    sc_core::sc_event done;
    sc_core::sc_time finished;
  };

  // The engine's lanes, DMA channel and queues: lane pools booked first come, first served
  // (each request on the lane free earliest, lowest index on ties), as hwmodel/timing's ResourcePool.
  dtls13_engine::lane_pool unit_lanes[2];
  dtls13_engine::lane_pool dma_channel{1};
  // dma_round_robin: one pool per channel, transfer k on channel k mod dma_channels (hwmodel/model/dma-channels.ts).
  std::vector<dtls13_engine::lane_pool> dma_rr;
  unsigned long long dma_next = 0;
  unsigned long long pending[2] = {0, 0};  // admitted to a unit's queue, not yet booked on a lane
  unsigned long long tickets = 0, serving = 0;
  // The intake's "changed" event, kept as the hwmodel model's delta notification: waiters registered before it fires wake in the next delta.
  bool changed_pending = false;
  struct waiter { command_state* c; unsigned long long wait_id; };
  std::vector<waiter> changed_waiters;
  // Timed steps of every command, and the intake's look-again times: one payload event queue, in time order and,
  // at one time, in the order they were queued (as the hwmodel kernel fires timed notifications).
  tlm_utils::peq_with_get<tlm::tlm_generic_payload> steps{"steps"};
  std::map<tlm::tlm_generic_payload*, command_state*> by_payload;
  std::vector<std::unique_ptr<command_state>> states;
  // The intake's look-again entries: payload → (command, its wait id then).
  std::map<tlm::tlm_generic_payload*, waiter> ticks;
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> tick_pool;
  const dtls13_engine::table* table = &dtls13_engine::engine_table("default");

  unsigned long long capacity(int unit) const { return static_cast<unsigned long long>(unit == 0 ? lanes : pk_lanes) * queue_depth; }
  unsigned long long occupancy(int unit, unsigned long long now) { return pending[unit] + unit_lanes[unit].waiting(now); }
  static unsigned long long now_ps() { return sc_core::sc_time_stamp().value(); }

  // Selects a cycle table (spec/hw/engines/<name>.yaml) before the simulation starts.
  void use_engine(const std::string& name) { table = &dtls13_engine::engine_table(name); }

  void start_of_simulation() override {
    unit_lanes[0] = dtls13_engine::lane_pool(lanes);
    unit_lanes[1] = dtls13_engine::lane_pool(pk_lanes);
    dma_channel = dtls13_engine::lane_pool(dma_channels);
    dma_rr.assign(dma_channels < 1 ? 1 : dma_channels, dtls13_engine::lane_pool(1));
  }

  // A DMA transfer of service ps on the channels: the pool, or the next channel in rotation.
  unsigned long long dma_reserve(unsigned long long now, unsigned long long service) {
    if (!dma_round_robin) return dma_channel.reserve(now, service);
    return dma_rr[dma_next++ % dma_rr.size()].reserve(now, service);
  }

  command_state& enter(tlm::tlm_generic_payload& gp, bool blocking, int port, const sc_core::sc_time& delay) {
    auto* ext = gp.get_extension<dtls13_engine::command_ext>();
    if (ext == nullptr) SC_REPORT_ERROR(name(), "a command without its crypto_command extension");
    states.emplace_back(new command_state());
    command_state& c = *states.back();
    c.gp = &gp;
    c.blocking = blocking;
    c.port = port;
    c.cost = table->command_costs(ext->ops, clock_period.value(), command_cycles * clock_period.value());
    by_payload[&gp] = &c;
    steps.notify(gp, delay);
    return c;
  }

  void b_transport_command(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    command_state& c = enter(gp, true, id, delay);
    delay = sc_core::SC_ZERO_TIME;
    sc_core::wait(c.done);
  }

  tlm::tlm_sync_enum nb_transport_fw_command(int id, tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase, sc_core::sc_time& delay) {
    if (phase == tlm::END_RESP) return tlm::TLM_COMPLETED;
    if (phase != tlm::BEGIN_REQ) SC_REPORT_ERROR(name(), "unexpected phase on the forward path");
    enter(gp, false, id, delay);
    return tlm::TLM_ACCEPTED;
  }

  // The engine's process: every step due now in queue order, then the intake's waiters, delta by delta.
  void engine_thread() {
    for (;;) {
      sc_core::wait(steps.get_event());
      // One delta later, so the testbench's memory accesses due now come first (in the hwmodel replay they
      // start from threads made before any engine step).
      sc_core::wait(sc_core::SC_ZERO_TIME);
      while (tlm::tlm_generic_payload* gp = steps.get_next_transaction()) {
        auto t = ticks.find(gp);
        if (t != ticks.end()) {
          waiter w = t->second;
          ticks.erase(t);
          if (w.c->wait_id == w.wait_id) {
            w.c->wait_id++;
            admit(*w.c);
          }
          continue;
        }
        advance(*by_payload.at(gp));
      }
      while (changed_pending) {
        changed_pending = false;
        std::vector<waiter> ws;
        ws.swap(changed_waiters);
        for (const waiter& w : ws) {
          if (w.c->wait_id != w.wait_id) continue;
          w.c->wait_id++;
          admit(*w.c);
        }
      }
    }
  }

  // Waits d ps and goes on at the given stage; goes on at once when d is 0.
  void after(command_state& c, unsigned long long d, int stage) {
    c.stage = stage;
    if (d > 0) steps.notify(*c.gp, sc_core::sc_time(static_cast<double>(d), sc_core::SC_PS));
    else advance(c);
  }

  // The intake (head-of-line): the command at the head enters its unit's queue when that has room.
  void admit(command_state& c) {
    unsigned long long now = now_ps();
    if (c.ticket == serving && occupancy(c.unit, now) < capacity(c.unit)) {
      serving++;
      changed_pending = true;
      pending[c.unit]++;
      if (!c.blocking) {  // in its unit's queue: END_REQ (the initiator may send its next request)
        tlm::tlm_phase p = tlm::END_REQ;
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        command[static_cast<std::size_t>(c.port)]->nb_transport_bw(*c.gp, p, d);
      }
      c.stage = 2;
      advance(c);
      return;
    }
    // Held: look again when the intake moves or a booking starts on a lane.
    changed_waiters.push_back({&c, c.wait_id});
    unsigned long long next = 0;
    for (int u = 0; u < 2; u++) {
      unsigned long long s = unit_lanes[u].next_start(now);
      if (s > now && (next == 0 || s < next)) next = s;
    }
    if (next > 0) {
      tick_pool.emplace_back(new tlm::tlm_generic_payload());
      tlm::tlm_generic_payload* tick = tick_pool.back().get();
      ticks[tick] = {&c, c.wait_id};
      steps.notify(*tick, sc_core::sc_time(static_cast<double>(next - now), sc_core::SC_PS));
    }
  }

  // One DMA transfer: the channel for its size at dma_bandwidth, then the memory access (annotated by the memory).
  unsigned long long dma_time(unsigned long long bytes) const {
    return static_cast<unsigned long long>(std::ceil(static_cast<double>(bytes) * 8 * 1e12 / dma_bandwidth));
  }

  unsigned long long memory_access(command_state& c, bool write, unsigned long long bytes) {
    tlm::tlm_generic_payload t;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(dtls13_engine::BUFFER_BASE + (c.gp->get_address() % 65536) * buffer_size);
    t.set_data_length(static_cast<unsigned int>(std::min<unsigned long long>(bytes, buffer_size)));
    t.set_data_ptr(nullptr);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    dma->b_transport(t, d);
    return d.value();
  }

  unsigned long long book_unit(command_state& c, int unit, unsigned long long issue) {
    unsigned long long finish = unit_lanes[unit].reserve(now_ps(), issue);
    pending[unit]--;
    changed_pending = true;
    (void)c;
    return finish;
  }

  void advance(command_state& c) {
    unsigned long long now = now_ps();
    switch (c.stage) {
      case 0:  // arrival: its ticket at the intake
        c.unit = c.cost.public_key > 0 ? 1 : 0;
        c.ticket = tickets++;
        admit(c);
        return;
      case 2:  // operands in by DMA
        if (c.cost.read_bytes > 0) return after(c, dma_reserve(now, dma_time(c.cost.read_bytes)) - now, 3);
        return after(c, 0, 4);
      case 3:
        return after(c, memory_access(c, false, c.cost.read_bytes), 4);
      case 4:  // the units: the public-key unit first, then (or only) the symmetric unit
        if (c.cost.public_key > 0) return after(c, book_unit(c, 1, c.cost.public_key) - now, 5);
        return after(c, sat(book_unit(c, 0, c.cost.symmetric) + c.cost.latency, now), 6);
      case 5:
        return after(c, sat(unit_lanes[0].reserve(now, c.cost.symmetric) + c.cost.latency, now), 6);
      case 6:  // results out by DMA
        if (c.cost.write_bytes > 0) return after(c, dma_reserve(now, dma_time(c.cost.write_bytes)) - now, 7);
        return after(c, 0, 8);
      case 7:
        return after(c, memory_access(c, true, c.cost.write_bytes), 8);
      case 8: {  // done
        c.gp->set_response_status(tlm::TLM_OK_RESPONSE);
        c.finished = sc_core::sc_time_stamp();
        c.stage = 9;
        if (c.blocking) {
          c.done.notify();
        } else {
          tlm::tlm_phase p = tlm::BEGIN_RESP;
          sc_core::sc_time d = sc_core::SC_ZERO_TIME;
          command[static_cast<std::size_t>(c.port)]->nb_transport_bw(*c.gp, p, d);
        }
        return;
      }
    }
  }

  static unsigned long long sat(unsigned long long finish, unsigned long long now) { return finish > now ? finish - now : 0; }
`;
