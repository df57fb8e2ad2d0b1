#pragma once
// What a panel draws with besides its run: the theme, the window (type
// size), the span renderer, where it reports what it drew (--layout-json),
// and the message line. Never the app: a panel is a function of a RunView, a
// cursor, a rectangle and this.
#include "gui/options.hpp"
#include "gui/span_renderer.hpp"
#include "parviz/compare.hpp"
#include "parviz/questions.hpp"
#include "parviz/views.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parviz::gui {

class Window;
class RunView;

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
};

// One lane row's rectangle in window pixels (tests look there, --layout-json).
struct RowRect {
    LaneKind lane;
    std::int32_t id;
    std::string title;
    RowKind row;
    float x0, y0, x1, y1;
};

// One lane's rectangle and whether all of it was in view (--layout-json).
struct LaneRect {
    std::string title;
    bool worker = false;      // a worker process (pool worker or Process-N), not MainProcess or a core
    float y0 = 0, y1 = 0;
    bool visible = false;     // entirely inside the timeline's visible lane area
};

// One Compare row as drawn (--layout-json): its rectangle, and the x where
// its last task span ended as drawn and where its makespan and prediction fall.
struct CompareRowRect {
    int run = 0;                 // the run's number
    std::string label;
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    float lastTaskX = -1;        // right edge of the rightmost task span drawn (-1: none)
    float makespanX = -1, predictedX = -1;
    float guessX = -1;           // the class's makespan prediction's mark (-1: none)
    bool busy = false;
    bool busyWarn = false;       // busy and its workers need the cores: said in the warning colour
    int attempts = 1;            // attempts run of its configuration (a Sweep's retries of busy runs)
    std::string attemptsNote;    // "kept attempt 2 of 3 (discarded runs 5, 6: others took 34 %, 41 %)"; "" when tried once
    int workersPerStrip = 1;     // > 1: more workers than pixels, a strip shows a group's union
};

// A callout marked on the timeline (--layout-json): its kind's words, its
// stretch in x and the lane it outlines (y0 == y1: none).
struct CalloutMark {
    std::string kind;
    float x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    bool labelShown = false;           // its words drawn on the timeline, at:
    float lx0 = 0, ly0 = 0, lx1 = 0, ly1 = 0;
    std::string words;                 // the words drawn there: its label ("oversubscription: 8 workers on 2 cores") or kind
    bool inLegend = false;             // its label (kind and numbers) is the legend's entry for its kind
    std::vector<std::string> outlined; // the lanes outlined (each idle worker's tail), by title
    float ox0 = 0, ox1 = 0;            // its outline on its own lane, window x (ox1 <= ox0: none drawn)
    std::string labelLane;             // the lane its words are about (Callout::labelLane), "": none
};

// A chunk bracket on a worker lane (--layout-json): its words ("chunk 2:
// E–H"), the lane, its x span and whether the words were drawn.
struct ChunkMark {
    std::string label, lane;
    float x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    bool open = false;                 // a task of it had not ended
    bool labelShown = false;
    float thick = 0;                   // its band's height in px (a state strip's, lanes.cpp); 0: no band (one task)
};

// A Compare plot's data area (--layout-json), with the thickness of its
// lines and the radius of its markers in px.
struct PlotRect {
    std::string title;
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    float lineW = 0, markerR = 0;
};

// Where the panels drew this frame; cleared at the start of every frame.
struct DrawnLayout {
    std::vector<PlotRect> plots;
    std::vector<RowRect> rows;
    std::vector<CalloutMark> callouts;
    // Marks nothing may be drawn over (a failed task's hollow box, a lock
    // owner's death): callouts' labels and outlines keep clear of them.
    std::vector<Rect> keepClear;
    // Each queue item's arrow as drawn (--layout-json): put (x0, y0) to get
    // (x1, y1), window px; `line`: the line drawn (not crowded), and with it
    // the dot at the put; the head is always drawn at the get.
    struct Arrow { float x0 = 0, y0 = 0, x1 = 0, y1 = 0; bool line = false, putMark = false; };
    std::vector<Arrow> arrows;
    // A traced program's wait words on a lane (programRowWords): the words,
    // where drawn, and whether on a plate the arrows pass under (no place in
    // the span was clear of them).
    struct LaneWords { std::string text; Rect rect; bool plate = false; };
    std::vector<LaneWords> laneWords;
    std::vector<ChunkMark> chunks;
    float predictionX = -1;            // the run's makespan prediction line, window x (-1: none)
    Rect predictionLabel;              // where its words were drawn (w 0: not drawn)
    // A click or drag on the empty timeline set the makespan prediction this
    // frame (released): the caption says so, so a stray click is not silent.
    bool predictionDropped = false;
    double predictionSeconds = 0;
    std::vector<LaneRect> lanes;
    std::vector<CompareRowRect> compare;
    Rect queue;
    // Presentation's layout, read the next frame: the height the timeline
    // needs for its header, axis and lanes with four workers at thin rows,
    // and the heights the panels under it need for what they must show.
    float timelineMinH = 0, queueNeedH = 0, statsNeedH = 0;
    // The Compare and Plots panels' marks (marks.hpp): (panel, mark) drawn on
    // the data, and (panel, mark) drawn as a legend's swatch, each once.
    std::vector<std::pair<std::string, std::string>> marks, legendMarks;
    // Presentation: what the Stats panel's This run key lines can need in any
    // run of the scenario shown (known before the first run).
    float statsReserveH = 0;
    void clear() {
        marks.clear();
        legendMarks.clear();
        rows.clear();
        lanes.clear();
        compare.clear();
        plots.clear();
        callouts.clear();
        keepClear.clear();
        arrows.clear();
        laneWords.clear();
        chunks.clear();
        predictionX = -1;
        predictionLabel = Rect{};
        predictionDropped = false;
        queue = Rect{};
        timelineMinH = queueNeedH = statsNeedH = statsReserveH = 0;
    }
};

// The one-line message under the controls (an error in the error colour).
class MessageLine {
public:
    void set(std::string text, bool error = false) {
        m_text = std::move(text);
        m_error = error;
    }
    const std::string& text() const noexcept { return m_text; }
    bool isError() const noexcept { return m_error; }

private:
    std::string m_text;
    bool m_error = false;
};

// A finished (or stopped) run of this session, for the comparison table.
struct SessionRun {
    int number = 0;
    bool open = true;             // still in the session's runs (not closed): it can be pinned
    bool pinned = false;          // shown in the Compare view
    std::string scenario, work, status;
    int workers = 0;
    double makespanS = 0, speedup = 0, efficiency = 0;   // speedup: over sequential (Stats')
    bool hasMakespan = false;
    std::string setup;            // runSetupKey: runs of one setup compare
    // Over the session's 1-worker run of the same setup (core sessionSpeedups):
    // the column Session shows; nullopt where there is none to compare with.
    std::optional<double> speedupOverOne;
    int baseNumber = 0;           // that 1-worker run's number
    bool busy = false;            // other programs took more than 10 % of the cores
    bool busyWarn = false;        // busy and its workers need the cores (core busyMatters): the warning colour
    std::string busyNote;         // describeBusy's words
};

// The Session table and what its user asked of it this frame.
struct SessionTable {
    std::vector<SessionRun> rows;
    std::vector<int> pinToggles;  // run numbers whose Compare checkbox was clicked
    std::size_t rowsShown = 0;    // rows the table drew last: a new one scrolls into view
};

// The Compare view's own view state: one time axis shared by every row (ns
// from each row's origin, CompareRow::originNs), its cursor, and the model
// built from the pinned runs.
struct CompareState {
    bool on = false;
    std::int64_t begin = 0, end = 1'000'000'000;   // the shared axis, ns from each row's origin
    bool fitted = false;                            // end follows the longest row until the user zooms
    std::optional<std::int64_t> cursor;             // ns from each row's origin; nullopt: none
    CompareView model;
    std::string key;                                // what model was built from
    // What the class predicted (LESSON step 2): makespans taken from the
    // Predict questions when a Sweep starts, "how many workers are enough"
    // chosen in the Plots panel. Shown beside the measured answers.
    ClassPredictions guesses;
    int guessesVersion = 0;                         // bumped on every change (the model is rebuilt)
    int plotShown = 0;                              // the plot shown when only one fits: 0 speedup, 1 efficiency
    int openRun = 0;                                // CompareAction::OpenRun: the run number a row's double-click asked for
    bool predicting = false;                        // Plots asks for the next sweep's predictions (rows kept)
    // The rows there will be when the sweep going on ends (0: no sweep): the
    // Compare rows are laid out for that many from the first, so their
    // height, label format and label column never change during a sweep.
    std::size_t expectedRows = 0;
    // The work kinds (groups of rows) it will end with, likewise.
    std::size_t expectedGroups = 0;
};

// What the Compare panel's buttons asked for (the app acts on it).
enum class CompareAction { None, Sweep, SweepBusyAgain, StopSweep, ExportPng, ExportCsv, OpenRun };

// Predict, then reveal: the questions the next run will be asked (the
// scenario's, filled in with the toolbar's workers and work), what the class
// answered so far (the Explain panel edits it), and the workers to choose
// from. The app gives the answers to the run it starts, then clears them.
struct PredictDraft {
    std::vector<Question> questions;
    std::vector<std::string> asks;          // askText of each question
    std::vector<Guess> answers;        // parallel to questions
    std::vector<std::string> workerNames;   // last_worker / first_exit choices
    std::vector<std::vector<std::string>> choiceLabels;   // per question: what each choice reads (choiceLabels)
    double maxSeconds = 10;                 // the makespan slider's range
    int maxCores = 8;                       // the cores slider's range
};

struct PanelEnv {
    Theme theme;
    Window& window;
    SpanRenderer& spans;
    DrawnLayout& drawn;
    MessageLine& message;
    PredictDraft* predict = nullptr;        // the Explain panel's questions (nullptr: none asked)
    // On the stage: the latest ended run of this scenario with predictions,
    // whose reveal the Predict tab keeps showing (nullptr: none).
    const RunView* lastReveal = nullptr;
};

} // namespace parviz::gui
