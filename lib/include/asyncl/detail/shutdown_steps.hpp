#pragma once
// asyncl/detail/shutdown_steps.hpp — the steps of the shutdown protocol, as named constants.
//
// The protocol itself is written once, as numbered steps, at the top of lib/src/scheduler.cpp.
// Everything that cites a step — mutants ("attacks"), Relacy models, comments — uses these
// constants or their numbers, so that a citation cannot name a step that does not exist:
//
//   entry.attacks = detail::cite(detail::ShutdownStep::rendezvous);
//       // "shutdown step 5 (rendezvous)"
//   entry.attacks = detail::cite_reordered(detail::ShutdownStep::thread_return,
//                                          detail::ShutdownStep::destroy_frames);
//       // "shutdown step 6 (return) before step 4 (destroy frames)"
//
// A repository test (tool/common/tests/repository_test.cpp) checks that the protocol comment
// in scheduler.cpp lists exactly these steps, with these titles, in this order, and that every
// "step N" written anywhere in the tree is one of them.

#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace asyncl::detail {

/// The value of each enumerator is the step's number in the protocol comment.
enum class ShutdownStep : std::uint8_t {
  close = 1,           // the registry and the blocking pool stop admitting work
  cancel = 2,          // every live task is marked cancelled (and queued to be destroyed)
  blocking_work = 3,   // queued blocking jobs dropped, running closures finish
  destroy_frames = 4,  // pool threads destroy every remaining frame
  rendezvous = 5,      // every pool thread and the owner meet at the ShutdownBarrier
  thread_return = 6,   // pool threads return (their thread-locals die); the owner joins them
};

inline constexpr ShutdownStep kShutdownSteps[] = {
    ShutdownStep::close,          ShutdownStep::cancel,     ShutdownStep::blocking_work,
    ShutdownStep::destroy_frames, ShutdownStep::rendezvous, ShutdownStep::thread_return,
};
inline constexpr unsigned kShutdownStepCount = sizeof(kShutdownSteps) / sizeof(kShutdownSteps[0]);

constexpr unsigned number(ShutdownStep step) noexcept { return static_cast<unsigned>(step); }

/// The step's title as the protocol comment writes it ("Destroy frames" for destroy_frames).
constexpr std::string_view title(ShutdownStep step) noexcept {
  switch (step) {
    case ShutdownStep::close:
      return "Close";
    case ShutdownStep::cancel:
      return "Cancel";
    case ShutdownStep::blocking_work:
      return "Blocking work";
    case ShutdownStep::destroy_frames:
      return "Destroy frames";
    case ShutdownStep::rendezvous:
      return "Rendezvous";
    case ShutdownStep::thread_return:
      return "Return";
  }
  return "";
}

namespace internal {
/// "4 (destroy frames)".
inline std::string step_text(ShutdownStep step) {
  std::string name(title(step));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::to_string(number(step)) + " (" + name + ")";
}
}  // namespace internal

/// "shutdown step 5 (rendezvous)".
inline std::string cite(ShutdownStep step) { return "shutdown step " + internal::step_text(step); }

/// "shutdown steps 2 (cancel), 4 (destroy frames)": what a model or scenario checks.
inline std::string cite(std::initializer_list<ShutdownStep> steps) {
  if (steps.size() == 1) return cite(*steps.begin());
  std::string text = "shutdown steps ";
  for (const ShutdownStep step : steps) {
    if (step != *steps.begin()) text += ", ";
    text += internal::step_text(step);
  }
  return text;
}

/// "shutdown step 6 (return) before step 4 (destroy frames)": a mutant that reorders steps.
inline std::string cite_reordered(ShutdownStep early, ShutdownStep late) {
  return cite(early) + " before step " + internal::step_text(late);
}

}  // namespace asyncl::detail
