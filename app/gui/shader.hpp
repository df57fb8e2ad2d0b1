#pragma once
// Loads a GLSL program from shaders/*.vert + *.frag. The #version line is
// prepended here (like ImGui's OpenGL3 backend does) so the files stay plain.
// Compile and link errors come back with the file's name in front, so a
// broken shader names itself.
#include <string>

namespace parviz::gui {

struct ShaderProgram {
    unsigned id = 0;          // GL program name; 0 when loading failed
    std::string error;        // "shaders/span.frag: 0:12(3): error: ..." when id == 0
};

// Reads dir/name.vert and dir/name.frag, compiles and links them.
ShaderProgram loadShaderProgram(const std::string& dir, const std::string& name);

} // namespace parviz::gui
