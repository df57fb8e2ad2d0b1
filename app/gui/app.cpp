#include "gui/app.hpp"

#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "gui/window.hpp"
#include "parviz/file_io.hpp"
#include "parviz/listing.hpp"
#include "parviz/trace_io.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace parviz::gui {

namespace {
// The caption after "replaying FILE": a run saved after Ctrl-C says so.
std::string replayNote(const TraceMeta& meta) {
    return meta.incomplete ? " (no process started; incomplete: the run was interrupted)" : " (no process started)";
}
} // namespace

GuiApp::GuiApp(Window& window, GuiOptions opts, std::shared_ptr<Trace> preloaded)
    : m_window(window), m_opts(std::move(opts)) {
    try {
        m_scenarioNames = builtinScenarioNames();
    } catch (const std::exception&) {
        // No assets: the picker only offers Open file…
    }
    if (!m_spans.init(PARVIZ_SHADERS_DIR)) setMessage(m_spans.error(), true);
    m_window.setTheme(m_opts.theme);
    if (m_opts.presentation) m_window.setTypeSize(TypeSize::Large);
    else m_window.setTypeSize(TypeSize::Normal);
    if (!m_window.fontWarning().empty()) setMessage(m_window.fontWarning(), true);
    if (preloaded) {
        showTrace(std::move(preloaded));
        loadListingFor(m_meta.scenario);
        setMessage("replaying " + m_opts.openRun + replayNote(m_meta));
    } else {
        selectScenario(m_opts.scenario);
    }
}

GuiApp::~GuiApp() = default;

Theme GuiApp::theme() const noexcept { return m_window.theme(); }

RunStatus GuiApp::status() const noexcept {
    if (m_run) return m_run->status();
    return m_trace ? RunStatus::Finished : RunStatus::NotStarted;
}

bool GuiApp::live() const noexcept {
    RunStatus s = status();
    return m_run && (s == RunStatus::Running || s == RunStatus::Paused);
}

std::int64_t GuiApp::zero() const noexcept { return m_trace ? m_trace->zero() : 0; }
std::int64_t GuiApp::now() const noexcept { return m_trace && m_index.now() ? m_index.now() : zero(); }
std::int64_t GuiApp::cursor() const noexcept { return m_cursor ? *m_cursor : now(); }

void GuiApp::setCursor(std::optional<std::int64_t> absNs) {
    if (absNs) absNs = std::clamp(*absNs, zero(), std::max(zero(), now()));
    m_cursor = absNs;
}

void GuiApp::setMessage(std::string m, bool error) {
    m_message = std::move(m);
    m_messageIsError = error;
}

// ---------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------
void GuiApp::selectScenario(const std::string& nameOrPath) {
    try {
        m_scenario = loadScenario(nameOrPath);
        m_haveScenario = true;
        m_opts.scenario = nameOrPath;
        // A new scenario clears the stage; a capture starts at once, a person presses Run.
        recordSessionRunIfDone();
        m_run.reset();
        m_trace.reset();
        m_meta = TraceMeta{};
        m_index.reset();
        m_cursor.reset();
        m_view = TimelineView{};
        m_loadedFromFile = false;
        m_fittedAtEnd = false;
        setMessage("");
        if (!m_opts.screenshot.empty()) startRun();
    } catch (const std::exception& e) {
        setMessage(e.what(), true);
    }
}

void GuiApp::startRun() {
    m_fittedAtEnd = false;
    recordSessionRunIfDone();
    m_run.reset();   // stops and reaps the previous run's processes
    try {
        m_run = std::make_unique<Run>(m_scenario, m_opts.run);
        m_trace = m_run->trace();
        m_loadedFromFile = false;
        m_index.reset();
        m_cursor.reset();
        m_view = TimelineView{};
        m_sessionRecorded = false;
        m_run->start();
        m_runStartedAt = std::chrono::steady_clock::now();
        m_testPause = TestPauseRecord{};
        m_trace = m_run->trace();
        ++m_runCounter;
        setMessage("");
    } catch (const std::exception& e) {
        m_run.reset();
        setMessage(std::string("cannot start the run: ") + e.what(), true);
    }
}

void GuiApp::togglePause() {
    if (m_loadedFromFile) return;
    if (!m_run) {
        startRun();
        return;
    }
    try {
        if (m_run->status() == RunStatus::Running) m_run->pause();
        else if (m_run->status() == RunStatus::Paused) m_run->resume();
        else startRun();
    } catch (const std::exception& e) {
        setMessage(e.what(), true);
    }
}

void GuiApp::stopRun() {
    if (m_run && live()) m_run->stop();
}

bool GuiApp::killWorker(const std::string& name) {
    if (!m_run || !live()) return false;
    bool ok = m_run->killWorker(name);
    setMessage(ok ? "killed " + name + " (SIGKILL)" : name + " is not a live worker", !ok);
    return ok;
}

bool GuiApp::saveRun(const std::string& path) {
    if (!m_trace) {
        setMessage("nothing to save: no run yet", true);
        return false;
    }
    try {
        saveTrace(*m_trace, path);
        setMessage("saved the run to " + path);
        return true;
    } catch (const std::exception& e) {
        setMessage(e.what(), true);
        return false;
    }
}

bool GuiApp::openRun(const std::string& path) {
    try {
        showTrace(loadTrace(path));
        loadListingFor(m_meta.scenario);
        setMessage("replaying " + path + replayNote(m_meta));
        return true;
    } catch (const std::exception& e) {
        setMessage(e.what(), true);
        return false;
    }
}

void GuiApp::loadListingFor(const std::string& scenario) {
    // The code listing lives with the scenario; found when it is a built-in or the file still exists.
    try {
        m_scenario = loadScenario(scenario);
        m_haveScenario = true;
    } catch (const std::exception&) {
        m_scenario = Scenario{};
        m_scenario.name = scenario;
        m_haveScenario = false;
    }
}

namespace {
// What a generated listing depends on, cheaply (every frame): the kind's
// parameters and the tasks (all of them up to a few thousand, which is what
// the task editor edits; past that the first ones and the count).
std::string listingKey(const Scenario& s) {
    std::string k = std::string(toString(s.kind)) + '|' + std::to_string(s.poolSize) + '|' +
                    std::to_string(s.poolSizePerCore) + '|' + std::to_string(s.chunksize.value_or(0)) + '|' +
                    std::to_string(s.processes) + '|' + std::to_string(s.rounds) + '|' + std::to_string(s.holdSeconds) +
                    '|' + std::to_string(s.code.size()) + '|' + s.defaultArg + '|' + std::to_string(s.items.size());
    for (std::size_t i = 0; i < s.items.size() && i < 16; ++i) k += '|' + s.items[i];
    for (const std::string& a : s.args) k += '|' + a;
    k += '|' + std::to_string(s.tasks.size());
    const std::size_t n = s.tasks.size() <= 4000 ? s.tasks.size() : 16;
    for (std::size_t i = 0; i < n; ++i)
        k += '|' + s.tasks[i].name + ':' + std::to_string(s.tasks[i].seconds) + toString(s.tasks[i].work);
    return k;
}
} // namespace

const std::vector<Scenario::CodeLine>& GuiApp::listing() {
    ListingParams p;
    if (m_loadedFromFile) {
        // A replay shows the run as it was recorded, not what the toolbar says now.
        if (m_meta.workers > 0 && m_scenario.kind != ScenarioKind::Process) p.workers = m_meta.workers;
        if (auto w = parseWorkKind(m_meta.work)) p.work = *w;
    } else {
        p.workers = m_opts.run.workers;
        p.work = m_opts.run.work;
        // The process kind has no worker count to override (Run refuses it).
        if (m_scenario.kind == ScenarioKind::Process || m_scenario.kind == ScenarioKind::Queue ||
            m_scenario.kind == ScenarioKind::CpuCount)
            p.workers.reset();
    }
    // Regenerated only when something it depends on changed (the task editor edits m_scenario).
    std::string key = m_haveScenario ? listingKey(m_scenario) : std::string();
    key += '|' + std::to_string(p.workers.value_or(0)) + '|' + (p.work ? toString(*p.work) : "-");
    if (key != m_listingKey) {
        m_listingKey = std::move(key);
        m_listing = m_haveScenario ? generateListing(m_scenario, p) : std::vector<Scenario::CodeLine>{};
    }
    return m_listing;
}

void GuiApp::showTrace(std::shared_ptr<Trace> trace) {
    m_fittedAtEnd = false;
    recordSessionRunIfDone();
    m_run.reset();
    m_trace = std::move(trace);
    m_loadedFromFile = true;
    m_index.reset();
    m_cursor.reset();
    m_view = TimelineView{};
    m_view.follow = false;
    m_sessionRecorded = true;   // not a run of this session: not in the comparison table
    updateFromTrace();
    fitWholeRun();
}

bool GuiApp::saveScenario(const std::string& path) {
    try {
        std::string json = scenarioToJson(m_scenario);
        parseScenario(json, path);   // refuse to write what we could not read back
        writeFileAtomic(path, json);   // never a torn file over the old one
        setMessage("saved the scenario to " + path);
        return true;
    } catch (const std::exception& e) {
        setMessage(e.what(), true);
        return false;
    }
}

// ---------------------------------------------------------------------------
// Frame
// ---------------------------------------------------------------------------
double GuiApp::frameWaitSeconds() const {
    if (live() || !m_opts.screenshot.empty() || m_opts.benchFrames > 0) return 1.0 / 30.0;
    return 0.25;
}

void GuiApp::updateFromTrace() {
    if (!m_trace) return;
    m_index.update(*m_trace);
    m_meta = m_trace->meta();
    const bool over = m_meta.finished && !live();
    if (over && m_view.follow && !m_cursor && !m_fittedAtEnd) {
        // A followed run that has ended: show all of it, its start included.
        fitWholeRun();
        m_fittedAtEnd = true;
    }
    if (m_view.follow && !m_cursor && !over) {
        const std::int64_t rel = now() - zero();
        const std::int64_t width = std::max<std::int64_t>(m_view.end - m_view.begin, 1'000'000);
        if (rel > m_view.end - width / 20) {
            m_view.end = rel + width / 20;
            m_view.begin = m_view.end - width;
        }
        if (m_view.begin < 0) {
            m_view.end -= m_view.begin;
            m_view.begin = 0;
        }
    }
}

void GuiApp::fitWholeRun() {
    // The run's real length, however short (the queue demo takes ~50 us):
    // zoom() stops at 10 us, so does this.
    const std::int64_t rel = std::max<std::int64_t>(now() - zero(), 10'000);
    m_view.begin = 0;
    m_view.end = rel + rel / 50;
}

void GuiApp::zoom(float factor, std::optional<std::int64_t> anchorRel) {
    const double b = static_cast<double>(m_view.begin), e = static_cast<double>(m_view.end);
    const double a = anchorRel ? static_cast<double>(*anchorRel) : (b + e) / 2;
    double nb = a - (a - b) / factor, ne = a + (e - a) / factor;
    if (ne - nb < 10'000) return;              // 10 µs is as close as anyone needs
    if (ne - nb > 1e13) return;
    m_view.begin = static_cast<std::int64_t>(nb);
    m_view.end = static_cast<std::int64_t>(ne);
}

void GuiApp::handleKeys() {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    auto pressed = [](int glfwKey) { return ImGui::IsKeyPressed(glfwKey, false); };
    if (pressed(GLFW_KEY_SPACE)) togglePause();
    if (pressed(GLFW_KEY_R) && !m_loadedFromFile) startRun();
    if (pressed(GLFW_KEY_F)) {
        m_view.follow = !m_view.follow;
        if (m_view.follow) setCursor(std::nullopt);
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD)) zoom(1.5f);
    if (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT)) zoom(1 / 1.5f);
}

const RunStats& GuiApp::statsAtCursor() {
    // computeStats reads the run model's records (O(records), not O(events)):
    // recompute when the cursor moves, and during a live run a few times a
    // second, not every frame.
    const std::size_t n = m_trace ? m_trace->size() : 0;
    const std::int64_t c = m_cursor ? *m_cursor : -1;
    const auto t = std::chrono::steady_clock::now();
    const bool stale = n != m_statsTraceSize || c != m_statsCursor;
    if (m_trace && stale && (c != m_statsCursor || t - m_statsAt > std::chrono::milliseconds(250) || !live())) {
        m_stats = computeStats(m_index, *m_trace, m_cursor);
        m_statsTraceSize = n;
        m_statsCursor = c;
        m_statsAt = t;
    }
    return m_stats;
}

void GuiApp::recordSessionRunIfDone() {
    if (m_sessionRecorded || !m_trace || m_loadedFromFile) return;
    const RunStatus s = status();
    if (s == RunStatus::Running || s == RunStatus::Paused || s == RunStatus::NotStarted) {
        // Restarted mid-run: still worth a row, marked as stopped.
    }
    RunStats st = computeStats(*m_trace);
    SessionRun r;
    r.number = static_cast<int>(m_session.size()) + 1;
    r.scenario = m_meta.scenario.empty() ? m_scenario.name : m_meta.scenario;
    r.work = m_meta.work;
    r.workers = st.workerCount;
    r.status = toString(s);
    r.hasMakespan = st.hasMakespan;
    r.makespanS = static_cast<double>(st.makespanNs) / 1e9;
    r.speedup = st.speedup;
    r.efficiency = st.efficiency;
    m_session.push_back(std::move(r));
    m_sessionRecorded = true;
}

void GuiApp::frame() {
    m_spans.beginFrame();
    m_rowRects.clear();
    m_laneRects.clear();
    probe::beginFrame();
    updateFromTrace();
    if (!live() && m_run) recordSessionRunIfDone();
    handleKeys();
    driveTestPause();
    // Type (and with it every size in the layout) follows the window's size.
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImFont* font = m_window.fontFor(typePx(m_window.typeSize(), ds.x, ds.y));
    ImGui::PushFont(font);
    m_fontPx = font->FontSize;
    m_window.scaleStyle(font->FontSize);
    layoutAndDraw();
    ImGui::PopFont();
    updateScreenshotState();
}

void GuiApp::layoutAndDraw() {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float fh = ImGui::GetFontSize();
    // The controls wrap with the window; they get the height they needed last
    // frame (the first frame: an estimate of two rows and the caption).
    if (m_controlsH <= 0) m_controlsH = std::round(3 * (fh + 10) + 8);
    const float controlsH = std::min(m_controlsH, std::round(ds.y * 0.4f));
    m_controlsH = drawControlsPanel(*this, Rect{0, 0, ds.x, controlsH});
    const float bodyH = ds.y - controlsH;
    // Queue and lock panels share a column; a scenario without a queue (or
    // lock) leaves that panel just its one-line note and gives the room to the other.
    const ScenarioKind kind = m_scenario.kind;
    const bool hasQueue = m_trace ? !m_meta.queues.empty()
                                  : kind == ScenarioKind::Queue || kind == ScenarioKind::JobQueue || kind == ScenarioKind::Pool;
    const bool hasLock = m_trace ? !m_meta.locks.empty() : kind == ScenarioKind::Lock;
    const float note = std::round(fh * 3.4f);
    auto queueAndLock = [&](float x, float y, float w, float h) {
        float queueH = std::round(h * 0.5f);
        if (hasQueue && !hasLock) queueH = h - note;
        else if (!hasQueue && hasLock) queueH = note;
        m_queueRect = Rect{x, y, w, queueH};
        drawQueuePanel(*this, m_queueRect);
        drawLockPanel(*this, Rect{x, y + queueH, w, h - queueH});
    };
    if (m_window.typeSize() == TypeSize::Large) {
        // Presentation: the timeline across the whole width (its lanes are
        // the lesson), the panels side by side under it; Output is a tab of
        // Stats so each panel keeps room for its type.
        const float timelineH = std::round(bodyH * 0.70f);
        const float y = controlsH + timelineH, h = bodyH - timelineH;
        const float w0 = std::round(ds.x * 0.28f), w1 = std::round(ds.x * 0.38f), w2 = ds.x - w0 - w1;
        drawTimelinePanel(*this, Rect{0, controlsH, ds.x, timelineH});
        // Only the panels the scenario uses (one of them says so when it uses neither).
        if (hasQueue && hasLock) queueAndLock(0, y, w0, h);
        else if (hasLock) drawLockPanel(*this, Rect{0, y, w0, h});
        else {
            m_queueRect = Rect{0, y, w0, h};
            drawQueuePanel(*this, m_queueRect);
        }
        drawCodePanel(*this, Rect{w0, y, w1, h});
        drawStatsPanel(*this, Rect{w0 + w1, y, w2, h}, true);
    } else {
        const float rightW = std::round(std::max(300.0f, ds.x * 0.32f));
        const float leftW = ds.x - rightW;
        const float timelineH = std::round(bodyH * 0.60f);
        const float bottomH = bodyH - timelineH;
        drawTimelinePanel(*this, Rect{0, controlsH, leftW, timelineH});
        drawOutputPanel(*this, Rect{0, controlsH + timelineH, std::round(leftW * 0.5f), bottomH});
        drawStatsPanel(*this, Rect{std::round(leftW * 0.5f), controlsH + timelineH, leftW - std::round(leftW * 0.5f), bottomH},
                       false);
        const float shared = std::round(bodyH * 0.52f);
        queueAndLock(leftW, controlsH, rightW, shared);
        drawCodePanel(*this, Rect{leftW, controlsH + shared, rightW, bodyH - shared});
    }
    drawTaskEditor(*this);
}

// --test-pause-at: the same togglePause() the button and Space call, at a set
// time, so a test can look at the processes from outside while they are paused.
void GuiApp::driveTestPause() {
    if (!m_opts.testPauseAt || !m_run || m_testPause.resumed) return;
    using Clock = std::chrono::steady_clock;
    const auto t = Clock::now();
    const double sinceStart = std::chrono::duration<double>(t - m_runStartedAt).count();
    if (!m_testPause.paused) {
        if (status() != RunStatus::Running || sinceStart < *m_opts.testPauseAt) return;
        togglePause();
        if (status() != RunStatus::Paused) return;
        m_testPause.paused = true;
        m_testPause.pausedAtS = sinceStart;
        m_testPausedAt = t;
        m_index.update(*m_trace);
        const TraceMeta meta = m_trace->meta();
        const auto& procs = m_index.procs();
        for (std::size_t p = 1; p < meta.procs.size() && p < procs.size(); ++p) {
            const ProcRole role = meta.procs[p].role;
            if (role != ProcRole::PoolWorker && role != ProcRole::Process) continue;
            if (procs[p].seen && procs[p].exitT == kNever && procs[p].pid)
                m_testPause.workers.emplace_back(meta.procs[p].name, procs[p].pid);
        }
        if (!m_opts.layoutJson.empty()) {
            // Written while paused (renamed into place whole): the test polls for it.
            const std::string path = m_opts.layoutJson + ".paused", tmp = path + ".tmp";
            {
                std::ofstream out(tmp);
                for (const auto& [name, pid] : m_testPause.workers) out << pid << ' ' << name << '\n';
            }
            std::rename(tmp.c_str(), path.c_str());
        }
    } else if (std::chrono::duration<double>(t - m_testPausedAt).count() >= m_opts.testPauseFor) {
        togglePause();
        m_testPause.resumed = true;
        m_testPause.wallPausedS = std::chrono::duration<double>(t - m_testPausedAt).count();
    }
}

void GuiApp::updateScreenshotState() {
    m_captureThisFrame = false;
    if (m_opts.screenshot.empty()) return;
    bool ready = false;
    if (m_opts.screenshotAt) {
        const auto at = static_cast<std::int64_t>(*m_opts.screenshotAt * 1e9);
        const bool reached = m_trace && now() - zero() >= at;
        const bool over = !live() && m_trace && (m_meta.finished || m_loadedFromFile);
        if (reached || over) {
            if (!m_cursor) {
                setCursor(zero() + at);
                m_view.follow = false;
                m_view.begin = 0;
                m_view.end = std::max<std::int64_t>(at + at / 10, 500'000'000);
            }
            ready = true;
        }
    } else {
        const bool over = !live() && (m_trace == nullptr || m_meta.finished || m_loadedFromFile);
        // The whole run is in view by then: a followed run fits itself when
        // it ends (updateFromTrace), which is what a person sees too.
        if (over) ready = true;
    }
    // A couple of settled frames first: ImGui sizes some widgets one frame late.
    if (ready && ++m_framesAfterDone >= 3) m_captureThisFrame = true;
}

} // namespace parviz::gui
