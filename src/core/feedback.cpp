#include "feedback.hpp"

#include "error.hpp"

namespace ruralatlas {

void Feedback::checkCancelled() const {
    if (isCancelled()) throw Cancelled();
}

}  // namespace ruralatlas
