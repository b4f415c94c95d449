#pragma once

#include <functional>
#include <string>

namespace brook::examples::leave {

// The body of payroll-service and forecast-service: parses the flags
//   --bootstrap-server HOST:PORT   (absent: the leave-requests app's embedded broker)
//   --processing-guarantee G       exactly_once_v2 (default) reads only committed events
//                                  (isolation.level=read_committed); at_least_once reads all
//   --state-dir DIR                where to look for the embedded broker's address
//   --max-messages N               stop after N events (0: run until Ctrl-C)
// then consumes `topic` in consumer group `group` (so it resumes where it stopped), printing
// handle(key, value) for each event and committing after each batch. Returns the exit code.
int RunEventService(int argc, char** argv, const std::string& name, const std::string& topic,
                    const std::string& group,
                    const std::function<std::string(const std::string& key,
                                                    const std::string& value)>& handle);

}  // namespace brook::examples::leave
