#include "gui/span_renderer.hpp"

#include "gui/shader.hpp"

#include <glad/gl.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace parviz::gui {

SpanRenderer::~SpanRenderer() {
    if (m_vbo) glDeleteBuffers(1, &m_vbo);
    if (m_vao) glDeleteVertexArrays(1, &m_vao);
    if (m_program) glDeleteProgram(m_program);
    if (m_stripTexture) glDeleteTextures(1, &m_stripTexture);
}

bool SpanRenderer::init(const std::string& shadersDir) {
    ShaderProgram p = loadShaderProgram(shadersDir, "span");
    if (!p.id) {
        m_error = p.error;
        return false;
    }
    m_program = p.id;
    m_uDisplaySize = glGetUniformLocation(m_program, "uDisplaySize");
    glGenVertexArrays(1, &m_vao);
    glGenBuffers(1, &m_vbo);
    glBindVertexArray(m_vao);
    glBindBuffer(GL_ARRAY_BUFFER, m_vbo);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, sizeof(SpanInstance),
                          reinterpret_cast<void*>(offsetof(SpanInstance, x0)));
    glVertexAttribDivisor(0, 1);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(SpanInstance),
                          reinterpret_cast<void*>(offsetof(SpanInstance, rgba)));
    glVertexAttribDivisor(1, 1);
    glEnableVertexAttribArray(2);
    glVertexAttribIPointer(2, 1, GL_UNSIGNED_INT, sizeof(SpanInstance),
                           reinterpret_cast<void*>(offsetof(SpanInstance, style)));
    glVertexAttribDivisor(2, 1);
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    return true;
}

void SpanRenderer::beginFrame() {
    m_instances.clear();
    m_batches.clear();
    // Callback data points into m_batches: reserve so it never reallocates
    // within a frame (a frame has a handful of batches, one per lane group).
    m_batches.reserve(256);
    m_uploaded = false;
    m_stripRows = m_stripMaxWidth = 0;
    m_stripList = nullptr;
    m_stripsUploaded = false;
}

bool SpanRenderer::ensureStripTexture() {
    if (m_stripTexture) return true;
    GLint maxSize = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &maxSize);
    m_stripTexWidth = std::min(4096, static_cast<int>(maxSize));
    if (m_stripTexWidth < 256) return false;
    glGenTextures(1, &m_stripTexture);
    glBindTexture(GL_TEXTURE_2D, m_stripTexture);
    // Nearest: a texel is a screen pixel; the strip's colours are exact.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, m_stripTexWidth, kStripRows, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glBindTexture(GL_TEXTURE_2D, 0);
    m_stripPixels.assign(static_cast<std::size_t>(m_stripTexWidth) * kStripRows, 0);
    return true;
}

bool SpanRenderer::drawStrip(ImDrawList* drawList, float x0, float y0, float y1, int widthPx,
                             std::span<const PixelSpan> spans) {
    if (!m_stripsEnabled || widthPx <= 0 || m_stripRows >= static_cast<std::size_t>(kStripRows) || !ensureStripTexture() ||
        widthPx > m_stripTexWidth)
        return false;
    const std::size_t row = m_stripRows++;
    const auto w = static_cast<std::size_t>(widthPx);
    rasterizeStrip(spans, std::span<std::uint32_t>(m_stripPixels.data() + row * static_cast<std::size_t>(m_stripTexWidth), w));
    m_stripMaxWidth = std::max(m_stripMaxWidth, w);
    if (drawList != m_stripList) {
        // The frame's strips reach the texture once, before the first quad
        // that samples it (in whichever list renders first).
        drawList->AddCallback(&SpanRenderer::uploadStripsCallback, this);
        drawList->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
        m_stripList = drawList;
    }
    const float left = std::round(x0);
    const float v = (static_cast<float>(row) + 0.5f) / static_cast<float>(kStripRows);   // the row's texel centres
    drawList->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(m_stripTexture)), ImVec2(left, y0),
                       ImVec2(left + static_cast<float>(widthPx), y1), ImVec2(0, v),
                       ImVec2(static_cast<float>(widthPx) / static_cast<float>(m_stripTexWidth), v));
    return true;
}

void SpanRenderer::uploadStripsCallback(const ImDrawList*, const ImDrawCmd* cmd) {
    auto* self = static_cast<SpanRenderer*>(cmd->UserCallbackData);
    if (self->m_stripsUploaded || self->m_stripRows == 0) return;
    glBindTexture(GL_TEXTURE_2D, self->m_stripTexture);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, self->m_stripTexWidth);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, static_cast<GLsizei>(self->m_stripMaxWidth),
                    static_cast<GLsizei>(self->m_stripRows), GL_RGBA, GL_UNSIGNED_BYTE, self->m_stripPixels.data());
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    self->m_stripsUploaded = true;
}

void SpanRenderer::draw(ImDrawList* drawList, const SpanInstance* spans, std::size_t count) {
    if (!m_program || count == 0 || m_batches.size() == m_batches.capacity()) return;
    m_batches.push_back(Batch{this, m_instances.size(), count});
    m_instances.insert(m_instances.end(), spans, spans + count);
    drawList->AddCallback(&SpanRenderer::callback, &m_batches.back());
    // ImGui's backend does not restore its own state after a user callback.
    drawList->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

void SpanRenderer::callback(const ImDrawList*, const ImDrawCmd* cmd) {
    const auto* b = static_cast<const Batch*>(cmd->UserCallbackData);
    // The backend set the scissor for the previous command, not for this one.
    const ImDrawData* dd = ImGui::GetDrawData();
    const ImVec2 scale = dd->FramebufferScale;
    const ImVec2 off = dd->DisplayPos;
    const float fbH = dd->DisplaySize.y * scale.y;
    const ImVec4 c = cmd->ClipRect;
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<GLint>((c.x - off.x) * scale.x), static_cast<GLint>(fbH - (c.w - off.y) * scale.y),
              static_cast<GLsizei>((c.z - c.x) * scale.x), static_cast<GLsizei>((c.w - c.y) * scale.y));
    b->self->render(*b);
}

void SpanRenderer::render(const Batch& b) {
    glUseProgram(m_program);
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    glUniform2f(m_uDisplaySize, ds.x, ds.y);
    glBindVertexArray(m_vao);
    glBindBuffer(GL_ARRAY_BUFFER, m_vbo);
    if (!m_uploaded) {
        // One upload per frame for every batch; orphan the old storage so the
        // driver need not wait for last frame's draw.
        const auto bytes = static_cast<GLsizeiptr>(m_instances.size() * sizeof(SpanInstance));
        glBufferData(GL_ARRAY_BUFFER, bytes, nullptr, GL_STREAM_DRAW);
        glBufferSubData(GL_ARRAY_BUFFER, 0, bytes, m_instances.data());
        m_uploaded = true;
    }
    glVertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, sizeof(SpanInstance),
                          reinterpret_cast<void*>(b.first * sizeof(SpanInstance) + offsetof(SpanInstance, x0)));
    glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(SpanInstance),
                          reinterpret_cast<void*>(b.first * sizeof(SpanInstance) + offsetof(SpanInstance, rgba)));
    glVertexAttribIPointer(2, 1, GL_UNSIGNED_INT, sizeof(SpanInstance),
                           reinterpret_cast<void*>(b.first * sizeof(SpanInstance) + offsetof(SpanInstance, style)));
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(b.count));
}

} // namespace parviz::gui
