#include "gui/shader.hpp"

#include <glad/gl.h>

#include <fstream>
#include <sstream>

namespace parviz::gui {
namespace {

constexpr const char* kVersionLine = "#version 330 core\n";

bool readFile(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

std::string shaderLog(GLuint shader) {
    GLint len = 0;
    glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &len);
    std::string log(static_cast<std::size_t>(len > 0 ? len : 0), '\0');
    if (len > 0) glGetShaderInfoLog(shader, len, nullptr, log.data());
    while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
    return log;
}

std::string programLog(GLuint program) {
    GLint len = 0;
    glGetProgramiv(program, GL_INFO_LOG_LENGTH, &len);
    std::string log(static_cast<std::size_t>(len > 0 ? len : 0), '\0');
    if (len > 0) glGetProgramInfoLog(program, len, nullptr, log.data());
    while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
    return log;
}

// Returns 0 and fills error (prefixed with the path) on failure.
GLuint compile(GLenum type, const std::string& path, std::string& error) {
    std::string text;
    if (!readFile(path, text)) {
        error = path + ": cannot read the shader file";
        return 0;
    }
    GLuint s = glCreateShader(type);
    const char* parts[2] = {kVersionLine, text.c_str()};
    glShaderSource(s, 2, parts, nullptr);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        error = path + ": compile failed:\n" + shaderLog(s);
        glDeleteShader(s);
        return 0;
    }
    return s;
}

} // namespace

ShaderProgram loadShaderProgram(const std::string& dir, const std::string& name) {
    ShaderProgram out;
    const std::string vertPath = dir + "/" + name + ".vert";
    const std::string fragPath = dir + "/" + name + ".frag";
    GLuint vs = compile(GL_VERTEX_SHADER, vertPath, out.error);
    if (!vs) return out;
    GLuint fs = compile(GL_FRAGMENT_SHADER, fragPath, out.error);
    if (!fs) {
        glDeleteShader(vs);
        return out;
    }
    GLuint p = glCreateProgram();
    glAttachShader(p, vs);
    glAttachShader(p, fs);
    glLinkProgram(p);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) {
        out.error = vertPath + " + " + fragPath + ": link failed:\n" + programLog(p);
        glDeleteProgram(p);
        return out;
    }
    out.id = p;
    return out;
}

} // namespace parviz::gui
